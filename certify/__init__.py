"""Certificate extracts (trích lục) and the registry service.

Pure, typed functions over the registry: extract content (:mod:`certify.content`), numbering
(:mod:`certify.numbering`), PDF rendering with a QR code (:mod:`certify.render`), PAdES signing
and validation (:mod:`certify.signing`), verification codes (:mod:`certify.codes`), issue,
revocation and verification (:mod:`certify.issue`), the citizen-request state machine
(:mod:`certify.requests`), the person look-up (:mod:`certify.persons`) and the agency API's
clients, scopes and access log (:mod:`certify.agency`). The web routes in ``review_ui`` are thin
wrappers over these.
"""
