"""Storage: tables, repositories, the unit of work and the database life cycle."""
