"""The applicant's side on the web (`/dich-vu-cong/`): sign-in through the national e-identity (OpenID
Connect), forms prefilled from the population database, online filing, "Hồ sơ của tôi" with supplements,
withdrawal, online fees and ratings; and the simulated e-identity and population database (`manage.py
eid_sim`). An app of its own because citizens are a different audience from the officers' screens, with their
own sign-in, identities and pages; it changes dossiers only through the dossiers and payments services."""
