"""Duty roster for alert phones: holder at a time, no overlaps, handover, fallback to another
base of the same prefecture then the country (controlled clock)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sauti.channels.services import network_create
from sauti.response.roster import duty_handover, duty_holder, duty_shift_add
from sauti.response.services import ResponseError
from tests.conftest import make_user
from tests.response.conftest import T0

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def test_holder_overlap_handover_fallback(units, cla_bria, cla_ndele, ca_bria, joc):
    bria = network_create("RAC Bria", "CF521", base_name="COB Bria")
    ouadda = network_create("RAC Ouadda", "CF52", base_name="TOB Ouadda")
    ndele = network_create("RAC Ndélé", "CF511", base_name="COB Ndélé")
    night = duty_shift_add(bria, cla_bria, T0, T0 + 12 * H, by=ca_bria)
    with pytest.raises(ResponseError, match="overlaps"):
        duty_shift_add(bria, ca_bria, T0 + 11 * H, T0 + 20 * H, by=ca_bria)
    with pytest.raises(ResponseError, match="CLA"):
        duty_shift_add(bria, joc, T0 + 12 * H, T0 + 20 * H, by=ca_bria)
    assert duty_holder(bria, T0 + H) == (night, False)
    # Ouadda has nobody: falls back to Bria (same prefecture); Ndélé to the country
    assert duty_holder(ouadda, T0 + H) == (night, True)
    assert duty_holder(ndele, T0 + H) == (night, True)
    assert duty_holder(bria, T0 + 13 * H) == (None, False)
    second = duty_handover(night, ca_bria, by=ca_bria, at=T0 + 5 * H)
    night.refresh_from_db()
    assert night.ends_at == T0 + 5 * H and second.ends_at == T0 + 12 * H
    assert second.handed_over_from == night
    assert duty_holder(bria, T0 + 6 * H)[0].holder == ca_bria
    assert duty_holder(bria, T0 + 4 * H)[0].holder == cla_bria
    with pytest.raises(ResponseError, match="under way"):
        duty_handover(night, cla_bria, by=ca_bria, at=T0 + 6 * H)
    outsider = make_user("cla.bambari", "CLA", ["CF43"])
    from sauti.accounts.access import AccessDenied

    with pytest.raises(AccessDenied):
        duty_shift_add(bria, cla_bria, T0 + 20 * H, T0 + 30 * H, by=outsider)
