"""Formats the humanitarian and UN world exchanges: HXL CSV, XLSX, GeoJSON (RFC 7946), PDF.

Writers here take a ``Table`` (columns with HXL hashtags, rows of plain values) and know nothing
of access or audit; ``datasets`` builds tables from the apps' selectors under the access module
and ``service`` runs an export: scope, suppression, writing and the audit record."""
