"""Users: first administrator, login, management by administrators."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, text, update

from ispdesk.db.models import User
from ispdesk.domain.errors import BusinessRuleError, NotFound, ValidationError
from ispdesk.domain.permissions import Permission, Role
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

_hasher = PasswordHasher()
MIN_PASSWORD = 6


def hash_password(password: str) -> str:
    """Argon2 hash of a password."""
    return _hasher.hash(password)


def verify_password(hashed: str, password: str) -> bool:
    """True when `password` matches `hashed`."""
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class UserRow:
    """A user as lists and dialogs see it (no hash)."""

    id: uuid.UUID
    login: str
    name: str
    role: Role
    active: bool
    last_login_at: datetime | None
    version: int
    #: logins are refused until this instant (None: not locked; a past instant: lock expired).
    locked_until: datetime | None = None
    #: wrong passwords in a row since the last success, lockout or unlock.
    failed_logins: int = 0

    def locked_at(self, now: datetime) -> bool:
        """True when the login is locked at `now`."""
        return self.locked_until is not None and self.locked_until > now


def _row(u: User, now: datetime | None = None) -> UserRow:
    locked = u.locked_until if u.locked_until is not None and (now is None or u.locked_until > now) else None
    return UserRow(u.id, u.login, u.name, Role(u.role), u.active, u.last_login_at, u.version, locked,
                   u.failed_logins or 0)


#: Longest user name (the ``users.name`` column).
MAX_NAME = 120


def _validate(login: str, password: str | None, role: str, name: str | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if name is not None and len(name.strip()) > MAX_NAME:
        errors["name"] = f"O nome tem {len(name.strip())} caracteres; use no máximo {MAX_NAME}."
    if not login or not login.strip() or len(login) > 60 or " " in login.strip():
        errors["login"] = "Informe um login sem espaços, com até 60 caracteres."
    if password is not None and len(password) < MIN_PASSWORD:
        errors["password"] = f"A senha precisa ter pelo menos {MIN_PASSWORD} caracteres."
    if role not in {r.value for r in Role}:
        errors["role"] = f"Perfil desconhecido: “{role}”. Use administrador, atendimento ou financeiro."
    return errors


def has_users(factory: UnitOfWorkFactory) -> bool:
    """False on an empty database (the app then asks for the first administrator)."""
    with factory(Actor.system()) as uow:
        return bool(uow.session.scalar(select(func.count()).select_from(User)))


def create_first_admin(factory: UnitOfWorkFactory, login: str, name: str, password: str) -> UserRow:
    """Create the first administrator; refused once any user exists."""
    with factory(Actor.system()) as uow:
        if uow.session.scalar(select(func.count()).select_from(User)):
            raise BusinessRuleError("Já existe um administrador. Entre com um usuário existente.")
        errors = _validate(login, password, Role.ADMINISTRADOR.value)
        if errors:
            raise ValidationError(errors)
        user = User(login=login.strip(), name=name.strip() or login.strip(), password_hash=hash_password(password),
                    role=Role.ADMINISTRADOR.value, active=True, created_at=uow.now, created_by="primeiro-acesso")
        uow.session.add(user)
        uow.session.flush()
        uow.audit("user", user.id, "create", {"login": [None, user.login], "role": [None, user.role]},
                  summary=f"Primeiro administrador {user.login} criado")
        uow.commit()
        return _row(user)


#: Same message for every refused login (wrong password, unknown login, inactive or locked user), so
#: the login screen never tells whether a login exists.
LOGIN_REFUSED = ("Login ou senha incorretos, ou usuário inativo ou bloqueado. Após {n} tentativas erradas "
                 "seguidas o login fica bloqueado por {m} minutos; um administrador pode desbloqueá-lo em "
                 "Configurações › Usuários.")

#: An argon2 hash of a password nobody uses, verified for unknown logins so they take as long as
#: known ones (same parameters as `hash_password`; recomputed once if the hasher's defaults change).
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$Lg6xVSaPiv4eIRS4DYAP5A$gYkI7M1oFJbfnYnykBF7hrzr/BrrsPwypOLBFBX0f2s"
_dummy: list[str] = []


def _dummy_hash() -> str:
    if not _dummy:
        _dummy.append(hash_password("ispdesk: senha que ninguém usa")
                      if _hasher.check_needs_rehash(_DUMMY_HASH) else _DUMMY_HASH)
    return _dummy[0]


def _login_limits(uow: UnitOfWork) -> tuple[int, int]:
    from ispdesk.services import parameters

    values = parameters.load(uow.session)
    return int(values["login_tentativas_maximas"]), int(values["login_bloqueio_minutos"])


def authenticate(factory: UnitOfWorkFactory, login: str, password: str) -> Actor:
    """Check login and password; return the actor.

    Every attempt verifies one argon2 hash (a dummy one for an unknown login), so the time taken does
    not tell whether the login exists. Each refusal is audited; ``login_tentativas_maximas`` wrong
    passwords in a row lock the login for ``login_bloqueio_minutos`` (even the right password is
    refused meanwhile) until the time passes or an administrator unlocks it (`unlock_user`).

    Raises:
        BusinessRuleError: `LOGIN_REFUSED` for any refusal (same message, on purpose).
    """
    typed = login.strip()
    with factory(Actor.system()) as uow:
        limit, minutes = _login_limits(uow)
        found = uow.session.execute(
            select(User.id, User.login, User.role, User.name, User.password_hash, User.active, User.locked_until)
            .where(User.login == typed)
        ).first()
        uow.session.rollback()  # no transaction held open while the hash is verified
        now = uow.now
        locked = found is not None and found.locked_until is not None and found.locked_until > now
        matches = verify_password(found.password_hash if found is not None else _dummy_hash(), password)
        if found is not None and matches and found.active and not locked:
            done = uow.session.execute(
                update(User)
                .where(User.id == found.id, or_(User.locked_until.is_(None), User.locked_until <= now))
                .values(failed_logins=0, locked_until=None, last_login_at=now)
            )
            if done.rowcount == 1:  # type: ignore[attr-defined]
                uow.commit()
                return Actor.for_role(found.login, found.role, found.name)
            locked = True  # locked by a concurrent attempt after the read
        reason = ("login desconhecido" if found is None else "login bloqueado" if locked
                  else "usuário inativo" if not found.active else "senha incorreta")
        _record_failure(uow, typed, None if found is None else found.id, reason, limit, minutes)
        uow.commit()
    raise BusinessRuleError(LOGIN_REFUSED.format(n=limit, m=minutes))


def _record_failure(uow: UnitOfWork, typed: str, user_id: uuid.UUID | None, reason: str,
                    limit: int, minutes: int) -> None:
    """Audit a refused login; count it and lock the login when it reaches `limit` in a row."""
    shown = typed[:60]
    now = uow.now
    count = None
    if user_id is not None and reason != "login bloqueado":
        # The increment takes the row (PostgreSQL) or database (SQLite) write lock: concurrent
        # attempts count one after the other, exactly one locks the login, and those that arrive
        # once it is locked are not counted (they are refused as locked).
        count = uow.session.execute(
            update(User)
            .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
        ).scalar_one_or_none()
        if count is None:
            reason = "login bloqueado"
    if count is None:
        uow.audit("user", user_id, "login_failed", {"login": shown, "motivo": reason},
                  summary=f"Login recusado para “{shown}”: {reason}")
        return
    uow.audit("user", user_id, "login_failed", {"login": shown, "motivo": reason, "tentativa": count},
              summary=f"Login recusado para “{shown}”: {reason} ({count} de {limit})")
    if count >= limit:
        until = now + timedelta(minutes=minutes)
        uow.session.execute(update(User).where(User.id == user_id).values(failed_logins=0, locked_until=until))
        uow.audit("user", user_id, "login_locked", {"login": shown, "tentativas": count, "bloqueado_ate": until},
                  summary=f"Login “{shown}” bloqueado por {minutes} minutos após {count} tentativas erradas")


@dataclass(frozen=True)
class Unlocked:
    """What `unlock_user` did: the user after it, and whether there was anything to unlock."""

    user: UserRow
    was_locked: bool


def unlock_user(uow: UnitOfWork, login: str) -> Unlocked:
    """Lift a login lockout and clear the wrong-password count (administrators only, audited)."""
    uow.require(Permission.USERS_MANAGE)
    with uow:
        user = uow.session.scalar(select(User).where(User.login == login.strip()))
        if user is None:
            raise NotFound(f"Usuário “{login}” não encontrado. Veja os logins com `ispdesk users list`.")
        was_locked = user.locked_until is not None or bool(user.failed_logins)
        if was_locked:
            uow.audit("user", user.id, "unlock",
                      {"bloqueado_ate": [user.locked_until, None], "tentativas": [user.failed_logins, 0]},
                      summary=f"Login {user.login} desbloqueado")
            user.locked_until = None
            user.failed_logins = 0
        uow.commit()
        return Unlocked(_row(user, uow.now), was_locked)


def actor_for(factory: UnitOfWorkFactory, login: str) -> Actor:
    """The actor of an existing active user, without password (embedding, tests)."""
    with factory(Actor.system()) as uow:
        user = uow.session.scalar(select(User).where(User.login == login))
        if user is None or not user.active:
            raise NotFound(f"Usuário “{login}” não existe ou está inativo.")
        return Actor.for_role(user.login, user.role, user.name)


def list_users(uow: UnitOfWork) -> list[UserRow]:
    """Every user, by login."""
    uow.require(Permission.USERS_MANAGE)
    with uow:
        return [_row(u, uow.now) for u in uow.session.scalars(select(User).order_by(User.login))]


def add_user(uow: UnitOfWork, login: str, password: str, role: str, name: str = "") -> UserRow:
    """Create a user (administrators only); login unique."""
    uow.require(Permission.USERS_MANAGE)
    errors = _validate(login, password, role, name)
    if errors:
        raise ValidationError(errors)
    with uow:
        if uow.session.scalar(select(User.id).where(User.login == login.strip())):
            raise ValidationError({"login": f"Já existe um usuário com o login “{login}”."})
        user = User(login=login.strip(), name=name.strip() or login.strip(), password_hash=hash_password(password),
                    role=role, active=True, created_at=uow.now, created_by=uow.actor.login)
        uow.session.add(user)
        uow.session.flush()
        uow.audit("user", user.id, "create", {"login": [None, user.login], "role": [None, role]},
                  summary=f"Usuário {user.login} criado ({role})")
        uow.commit()
        return _row(user)


def update_user(
    uow: UnitOfWork,
    login: str,
    *,
    role: str | None = None,
    name: str | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> UserRow:
    """Change a user's role, name, active flag or password (administrators only, audited)."""
    uow.require(Permission.USERS_MANAGE)
    errors = _validate(login, password, role or Role.ATENDIMENTO.value, name)
    if errors:
        raise ValidationError(errors)
    with uow:
        if role is not None or active is False:
            _lock_admins(uow)  # before reading: the last-administrator check below sees settled rows
        user = uow.session.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound(f"Usuário “{login}” não encontrado.")
        diff: dict[str, list[object]] = {}
        if role is not None and role != user.role:
            if user.role == Role.ADMINISTRADOR.value and _last_active_admin(uow, user):
                raise BusinessRuleError("Este é o último administrador ativo; crie outro antes de mudar o perfil.")
            diff["role"] = [user.role, role]
            user.role = role
        if name is not None:
            name = name.strip() or user.login  # like `add_user`: a blank name shows the login
        if name is not None and name != user.name:
            diff["name"] = [user.name, name]
            user.name = name
        if active is not None and active != user.active:
            if not active and user.role == Role.ADMINISTRADOR.value and _last_active_admin(uow, user):
                raise BusinessRuleError("Este é o último administrador ativo; ele não pode ser desativado.")
            diff["active"] = [user.active, active]
            user.active = active
        if password is not None:
            user.password_hash = hash_password(password)
            diff["password"] = ["***", "***"]
        if diff:
            uow.audit("user", user.id, "update", diff, summary=f"Usuário {user.login} alterado")
        uow.commit()
        return _row(user)


def _lock_admins(uow: UnitOfWork) -> None:
    """Serialise changes that may remove an administrator, so two of them never both pass the check.

    PostgreSQL: ``SELECT … FOR UPDATE`` on the active administrators (in id order, no deadlock); a
    concurrent change waits and then counts what the other committed. SQLite: a write first takes
    the database write lock before anything is read (the check then reads after the other commit).
    """
    session = uow.session
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE users SET version = version WHERE 1 = 0"))
        return
    session.execute(
        select(User.id).where(User.role == Role.ADMINISTRADOR.value, User.active.is_(True))
        .order_by(User.id).with_for_update()
    ).all()


def _last_active_admin(uow: UnitOfWork, user: User) -> bool:
    others = uow.session.scalar(
        select(func.count()).select_from(User).where(
            User.role == Role.ADMINISTRADOR.value, User.active.is_(True), User.id != user.id
        )
    )
    return not others
