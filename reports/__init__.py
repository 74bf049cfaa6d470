"""Indicators and reports (DOMAIN §4): every figure the province is judged by, per agency, field,
procedure, tier and the whole province over a reporting period, with targets, exports, a dashboard and the
bulk import of historical dossiers.

An app of its own because it is a separate capability with its own storage: a fact row per dossier and
summary tables kept current from `dossiers.signals.dossier_changed` in the same transaction, so that a
province-year report reads a few thousand summary rows instead of scanning millions of dossiers. It reads
`dossiers` and `payments`; nothing depends on it.
"""
