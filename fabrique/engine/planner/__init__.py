"""Training plans: who to train where, or place directly, to fill industrial needs.

``scenario`` reads ``fabrique-plan/1`` documents, ``solver`` computes an optimal plan,
``validator`` checks any plan against the rules, ``result`` writes ``fabrique-plan-result/1``,
``cli`` is the ``fabrique plan`` command (it runs without Django).
"""
