"""The Zoho Books client: the worker's only door to Zoho."""
