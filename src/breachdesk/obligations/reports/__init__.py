"""Prefill and export regulator reports: ``prefill`` builds the items, ``docx`` and ``text`` lay them out."""
