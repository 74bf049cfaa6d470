"""Seed data for Sơn La (mã tỉnh H52): agencies, fields, procedures with their internal processes, demo
people and demo dossier stories. Plain Python so that the loaders can check it at import time.

Identifier codes of agencies (QCVN 102 shape, e.g. ``000.00.31.H52``) are ILLUSTRATIVE: the province code
H52 comes from secondary sources and the unit numbers are made up. Procedure codes are real national
codes (mã TTHC) only where marked ``national``; the others are plausible codes flagged ``illustrative``.
See README.md in this folder.
"""
