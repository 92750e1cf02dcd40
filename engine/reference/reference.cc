// Placeholder until the reference tables land.
