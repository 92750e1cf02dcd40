// Placeholder until the audit trail lands.
