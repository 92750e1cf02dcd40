// Placeholder until the screening facade lands.
