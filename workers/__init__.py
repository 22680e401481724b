"""Celery workers: ``celery -A workers ...`` finds the app here."""

from workers.app import app

__all__ = ["app"]
