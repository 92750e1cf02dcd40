// Placeholder until list download lands.
