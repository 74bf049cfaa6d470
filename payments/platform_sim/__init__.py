"""A stand-in for the national payment platform (Nền tảng thanh toán của Cổng Dịch vụ công quốc gia):
its own process, its own SQLite file. See `manage.py payment_sim`."""
