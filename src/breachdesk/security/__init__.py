"""Hold the security suite (issue #10) and the login lockout page."""
