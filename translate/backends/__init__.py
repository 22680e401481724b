"""Marian backends: CTranslate2 (default, torch-free) and transformers (reference)."""
