"""Roadmap gates: what must hold before old code goes, evaluated by one evaluator for every command."""
