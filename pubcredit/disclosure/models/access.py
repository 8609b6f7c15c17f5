"""Who may see non-public information besides the subject: authorisations and sharing agreements."""
