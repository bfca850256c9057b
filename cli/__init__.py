"""The `binome` command and its reports."""
