from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with one iteration: for tests only, where strength costs time and buys nothing."""

    iterations = 1
