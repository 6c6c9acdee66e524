"""The permission matrix, checked row by row so a change to it is a visible, reviewed diff."""

from __future__ import annotations

from sauti.accounts.roles import PERMISSIONS, Role

EXPECTED = {
    "alerts.view": "ANALYST CA_OFFICER CLA CP_OFFICER DPO_FOCAL HR_OFFICER JOC_OFFICER POC_OFFICER RESPONDER_UNIT WPA",
    "alerts.create": "CA_OFFICER CLA",
    "alerts.export": "ANALYST CA_OFFICER CLA JOC_OFFICER POC_OFFICER",
    "identity.view": "CA_OFFICER CLA DPO_FOCAL",
    "audit.view": "ADMIN DPO_FOCAL",
    "users.manage": "ADMIN",
}


def test_matrix_rows() -> None:
    for permission, roles in EXPECTED.items():
        assert " ".join(sorted(PERMISSIONS[permission])) == roles, permission


def test_no_implicit_identity_access() -> None:
    # DP-3: administrators and analysts never see sealed identities by default.
    assert Role.ADMIN not in PERMISSIONS["identity.view"]
    assert Role.ANALYST not in PERMISSIONS["identity.view"]
    assert Role.NATIONAL_FOCAL not in PERMISSIONS["identity.view"]
