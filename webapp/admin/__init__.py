"""The admin area: user management (list, details, role and status changes) and the audit log."""
