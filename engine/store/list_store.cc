// Placeholder until the list store lands.
