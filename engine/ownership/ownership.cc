// Placeholder until the ownership graph lands.
