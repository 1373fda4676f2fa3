"""zoho-books-sync: shop orders to Zoho Books draft invoices."""
