"""The visit's side effects, off the GUI thread: the face check, delivery, outcome and paper.

``coordinator.VisitCoordinator`` runs them; ``outcome`` names what became of an application;
``paper`` words the receipt and the licence; ``face_check`` loops camera frames into liveness.
"""
