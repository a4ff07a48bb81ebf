"""The citizen side as use cases: public intake, estado de su caso, kiosks, SONI, verdicts, their e-mails."""
