"""Realistic shop orders (WooCommerce, Shopify) mapped onto the event contract."""
