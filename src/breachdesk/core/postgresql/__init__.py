"""PostgreSQL as Django's backend, with the health check of persistent connections made only after a rest."""
