"""cupula: joint analysis of transnational drug-trafficking networks.

Every fact is a followthemoney statement that carries its provenance and a marking
(originator, classification, releasability, handling code, grading).
"""

__version__ = "0.1.0"
