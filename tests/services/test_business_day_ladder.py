"""The ladder counts from the vencimento útil: a Saturday due date before a holiday gets no notice before 14/10."""
from datetime import date

from sqlalchemy import func, select

from ispdesk.db.models import Notice
from ispdesk.services import access
from tests.factories import make_charge, make_contract


def test_no_notice_before_the_14th(uow, clock) -> None:  # noqa: ANN001
    with uow() as u:
        c = make_contract(u.session)
        make_charge(u.session, c, date(2026, 10, 10), "100.00")
        u.commit()
    clock.day = date(2026, 10, 13)
    access.run_suspension(uow(), clock.day)
    with uow() as u:
        assert u.session.scalar(select(func.count()).select_from(Notice)) == 0
