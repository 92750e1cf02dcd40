// Placeholder until attestation lands.
