"""Flask-WTF forms: parsing and field-level checks. Domain rules live in the services."""
