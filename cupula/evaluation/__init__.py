"""Evaluation of the analytics against public networks with known answers."""
