"""Use-cases: one function per coordinator action, each one transaction with an audit entry."""
