"""Demo data: realistic Brazilian customers, fast enough for a million (``ispdesk demo``).

Names with accents (Faker pt_BR's name lists), valid and unique CPF/CNPJ, mobile numbers with the
DDD of the customer's city, CEPs inside the city's real range. Rows are built from pools drawn once
and written with bulk Core inserts in batches; the customer codes are reserved as one block, and
the whole run is one transaction (cancel = nothing written).

Other areas can add their own demo data (plans, contracts…) with their own functions after this one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import Index, Table, insert, select
from sqlalchemy.orm import Session

from ispdesk.db.models import Customer, CustomerWord
from ispdesk.domain.ids import uuid7
from ispdesk.domain.permissions import Permission
from ispdesk.domain.text import fold
from ispdesk.domain.wording import plural
from ispdesk.services import customer_words
from ispdesk.services.uow import Actor, UnitOfWorkFactory

ProgressFn = Callable[[int, int, str], None]
_T = TypeVar("_T")

#: Demo hotsite password of every demo customer that has a login.
DEMO_PORTAL_PASSWORD = "demo1234"
BATCH = 5000

#: Real cities: (name, UF, DDD, first CEP prefix, last CEP prefix (5 digits), weight).
CITIES: tuple[tuple[str, str, int, int, int, int], ...] = (
    ("São Paulo", "SP", 11, 1000, 5999, 120), ("Guarulhos", "SP", 11, 7000, 7399, 12),
    ("Campinas", "SP", 19, 13000, 13139, 12), ("Santos", "SP", 13, 11000, 11099, 5),
    ("Ribeirão Preto", "SP", 16, 14000, 14114, 7), ("Sorocaba", "SP", 15, 18000, 18109, 7),
    ("São José dos Campos", "SP", 12, 12200, 12248, 7), ("Bauru", "SP", 14, 17000, 17099, 4),
    ("São José do Rio Preto", "SP", 17, 15000, 15099, 4), ("Presidente Prudente", "SP", 18, 19000, 19099, 2),
    ("Rio de Janeiro", "RJ", 21, 20000, 23799, 60), ("Niterói", "RJ", 21, 24000, 24399, 5),
    ("Campos dos Goytacazes", "RJ", 22, 28000, 28099, 4), ("Volta Redonda", "RJ", 24, 27200, 27299, 3),
    ("Belo Horizonte", "MG", 31, 30000, 31999, 25), ("Juiz de Fora", "MG", 32, 36000, 36099, 5),
    ("Governador Valadares", "MG", 33, 35000, 35099, 3), ("Uberlândia", "MG", 34, 38400, 38415, 7),
    ("Pouso Alegre", "MG", 35, 37550, 37555, 2), ("Divinópolis", "MG", 37, 35500, 35509, 2),
    ("Montes Claros", "MG", 38, 39400, 39409, 4), ("Vitória", "ES", 27, 29000, 29099, 5),
    ("Cachoeiro de Itapemirim", "ES", 28, 29300, 29319, 2), ("Curitiba", "PR", 41, 80000, 82999, 19),
    ("Ponta Grossa", "PR", 42, 84000, 84099, 3), ("Londrina", "PR", 43, 86000, 86099, 6),
    ("Maringá", "PR", 44, 87000, 87099, 4), ("Cascavel", "PR", 45, 85800, 85824, 3),
    ("Florianópolis", "SC", 48, 88000, 88099, 5), ("Joinville", "SC", 47, 89200, 89239, 6),
    ("Blumenau", "SC", 47, 89000, 89099, 4), ("Chapecó", "SC", 49, 89800, 89816, 2),
    ("Porto Alegre", "RS", 51, 90000, 91999, 14), ("Caxias do Sul", "RS", 54, 95000, 95124, 5),
    ("Passo Fundo", "RS", 54, 99000, 99099, 2), ("Pelotas", "RS", 53, 96000, 96099, 3),
    ("Santa Maria", "RS", 55, 97000, 97119, 3), ("Brasília", "DF", 61, 70000, 72799, 30),
    ("Goiânia", "GO", 62, 74000, 74899, 15), ("Anápolis", "GO", 62, 75000, 75149, 3),
    ("Rio Verde", "GO", 64, 75900, 75909, 2), ("Campo Grande", "MS", 67, 79000, 79129, 9),
    ("Dourados", "MS", 67, 79800, 79849, 2), ("Cuiabá", "MT", 65, 78000, 78109, 6),
    ("Rondonópolis", "MT", 66, 78700, 78749, 2), ("Salvador", "BA", 71, 40000, 42499, 24),
    ("Feira de Santana", "BA", 75, 44000, 44109, 6), ("Vitória da Conquista", "BA", 77, 45000, 45099, 3),
    ("Ilhéus", "BA", 73, 45650, 45666, 2), ("Recife", "PE", 81, 50000, 52999, 16),
    ("Caruaru", "PE", 81, 55000, 55099, 3), ("Petrolina", "PE", 87, 56300, 56333, 3),
    ("Fortaleza", "CE", 85, 60000, 61599, 24), ("Juazeiro do Norte", "CE", 88, 63000, 63099, 3),
    ("Sobral", "CE", 88, 62000, 62099, 2), ("Natal", "RN", 84, 59000, 59139, 8),
    ("Mossoró", "RN", 84, 59600, 59649, 3), ("João Pessoa", "PB", 83, 58000, 58099, 8),
    ("Campina Grande", "PB", 83, 58400, 58499, 4), ("Maceió", "AL", 82, 57000, 57099, 9),
    ("Arapiraca", "AL", 82, 57300, 57319, 2), ("Aracaju", "SE", 79, 49000, 49099, 6),
    ("Teresina", "PI", 86, 64000, 64099, 8), ("Parnaíba", "PI", 86, 64200, 64219, 2),
    ("São Luís", "MA", 98, 65000, 65109, 10), ("Imperatriz", "MA", 99, 65900, 65919, 3),
    ("Belém", "PA", 91, 66000, 66999, 13), ("Santarém", "PA", 93, 68000, 68109, 3),
    ("Marabá", "PA", 94, 68500, 68509, 2), ("Manaus", "AM", 92, 69000, 69099, 20),
    ("Macapá", "AP", 96, 68900, 68914, 4), ("Boa Vista", "RR", 95, 69300, 69339, 3),
    ("Porto Velho", "RO", 69, 76800, 76834, 4), ("Rio Branco", "AC", 68, 69900, 69923, 3),
    ("Palmas", "TO", 63, 77000, 77270, 3), ("Araguaína", "TO", 63, 77800, 77829, 2),
)

_EMAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "hotmail.com", "outlook.com", "yahoo.com.br",
                  "uol.com.br", "bol.com.br", "terra.com.br", "icloud.com")
_STREET_KINDS = ("Rua", "Rua", "Rua", "Avenida", "Travessa", "Alameda", "Praça", "Estrada")
_CONNECTORS = ("da", "de", "dos", "das", "do")
_COMPLEMENTS = ("Apto 101", "Apto 202", "Apto 34", "Casa 2", "Fundos", "Bloco B", "Sala 5", "Lote 7")
_COMPANY_KINDS = ("Comércio", "Serviços", "Mercearia", "Padaria", "Oficina", "Farmácia", "Restaurante",
                  "Transportes", "Construções", "Informática", "Clínica", "Papelaria", "Auto Peças")


_CPF_W1 = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_CPF_W2 = (11, 10, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_W1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_W2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def _with_check_digits(base: str, w1: tuple[int, ...], w2: tuple[int, ...]) -> str:
    digits = [ord(c) - 48 for c in base]
    rest = sum(d * w for d, w in zip(digits, w1, strict=True)) % 11
    first = 0 if rest < 2 else 11 - rest
    digits.append(first)
    rest = sum(d * w for d, w in zip(digits, w2, strict=True)) % 11
    second = 0 if rest < 2 else 11 - rest
    return f"{base}{first}{second}"


def fast_cpf(rng: random.Random) -> str:
    """A random valid CPF (11 digits, never all equal) — much faster than validate-docbr's generator."""
    while True:
        base = f"{int(rng.random() * 1_000_000_000):09d}"
        if base != base[0] * 9:
            return _with_check_digits(base, _CPF_W1, _CPF_W2)


def fast_cnpj(rng: random.Random) -> str:
    """A random valid numeric CNPJ (headquarters ``0001``)."""
    return _with_check_digits(f"{int(rng.random() * 100_000_000):08d}0001", _CNPJ_W1, _CNPJ_W2)


class _Pools:
    """Everything drawn once from Faker pt_BR, then combined at random for each customer."""

    def __init__(self, rng: random.Random, seed: int | None) -> None:
        from faker import Faker
        from faker.providers.person.pt_BR import Provider as PersonProvider

        fake = Faker("pt_BR")
        fake.seed_instance(seed if seed is not None else rng.randrange(2**31))
        self.female = [n for n in PersonProvider.first_names_female if " " not in n]
        self.male = [n for n in PersonProvider.first_names_male if " " not in n]
        self.last = [n for n in PersonProvider.last_names if n != "Aparecida"]
        people = self.female + self.male
        self.streets = [f"{rng.choice(_STREET_KINDS)} {rng.choice(people)} {rng.choice(self.last)}"
                        for _ in range(4000)]
        self.streets += [f"Avenida {n}" for n in ("Brasil", "Getúlio Vargas", "Presidente Vargas", "Paulista",
                                                  "São João", "Independência", "Sete de Setembro")]
        self.districts = ["Centro", "Jardim América", "Vila Nova", "São José", "Boa Vista", "Santa Cruz",
                          "Jardim das Flores", "Vila Operária", "Industrial", "Santo Antônio"]
        self.districts += list({fake.bairro() for _ in range(1500)})
        # Faker's names already end with a suffix (S/A, Ltda., - ME…); skip those starting with "da"/"dos"
        self.companies = sorted(c for c in {fake.company() for _ in range(800)} if len(c) < 120 and c[0].isupper())
        self.cities = CITIES
        self.city_weights = [c[5] for c in CITIES]
        pair: Callable[[str], tuple[str, str]] = lambda text: (text, fold(text))  # noqa: E731
        self.female_pairs = [pair(n) for n in self.female]
        self.male_pairs = [pair(n) for n in self.male]
        self.last_pairs = [pair(n) for n in self.last]
        self.connector_pairs = [pair(n) for n in _CONNECTORS]
        self.company_pairs = [pair(c) for c in self.companies]
        self.company_pairs += [pair(f"{k} {n} {x}") for k in _COMPANY_KINDS for n in self.last for x in ("Ltda", "ME")]


def _pick(rnd: Callable[[], float], seq: Sequence[_T]) -> _T:
    return seq[int(rnd() * len(seq))]


#: Columns the generator fills, in the order of its tuples (the others stay NULL).
ROW_COLUMNS = (
    "id", "code", "person_type", "name", "name_folded", "document", "rg_ie", "birth_date", "email", "email_folded",
    "mobile", "phone", "cep", "street", "number", "complement", "district", "city", "state", "portal_login",
    "portal_password_hash", "status", "notes", "created_at", "created_by", "version",
)


class _Generator:
    """Builds one customer row as a tuple in `ROW_COLUMNS` order, values already in database form.

    Attributes:
        new_id: makes a primary key value (UUID, or its hex text on SQLite).
        birth_values: birth dates (or their ISO text on SQLite) from 18 to 85 years before today.
    """

    def __init__(self, rng: random.Random, pools: _Pools, taken: set[str], password_hash: str,
                 new_id: Callable[[], Any], birth_values: Sequence[Any], now: Any, who: str) -> None:
        self.rng = rng
        self.pools = pools
        self.taken = taken
        self.password_hash = password_hash
        self.new_id = new_id
        self.birth_values = birth_values
        self.now = now
        self.who = who
        self.city_choices = rng.choices(pools.cities, weights=pools.city_weights, k=4096)

    def _unique(self, make: Callable[[random.Random], str]) -> str:
        taken = self.taken
        while True:
            doc = make(self.rng)
            if doc not in taken:
                taken.add(doc)
                return doc

    def row(self, code: int) -> tuple[Any, ...]:
        rnd = self.rng.random
        pools = self.pools
        if rnd() < 0.1:
            name, folded = _pick(rnd, pools.company_pairs)
            document = self._unique(fast_cnpj)
            person_type, birth = "J", None
            rg_ie = str(100_000_000 + int(rnd() * 900_000_000)) if rnd() < 0.5 else None
            local = folded.split(" ", 1)[0] + (".contato" if rnd() < 0.5 else str(10 + int(rnd() * 990)))
        else:
            first = _pick(rnd, pools.female_pairs if rnd() < 0.52 else pools.male_pairs)
            last = _pick(rnd, pools.last_pairs)
            parts = [first]
            if rnd() < 0.35:
                parts.append(_pick(rnd, pools.last_pairs))
            if rnd() < 0.4 and not last[0][0].islower():  # no "da" before "da Rocha"
                parts.append(_pick(rnd, pools.connector_pairs))
            parts.append(last)
            name = " ".join(p[0] for p in parts)
            folded = " ".join(p[1] for p in parts)
            document = self._unique(fast_cpf)
            person_type = "F"
            birth = _pick(rnd, self.birth_values)
            rg_ie = str(100_000_000 + int(rnd() * 900_000_000)) if rnd() < 0.6 else None
            local = (f"{first[1]}.{last[1].replace(' ', '')}" if rnd() < 0.6
                     else f"{first[1]}{1 + int(rnd() * 9998)}")
        city, uf, ddd, cep_lo, cep_hi, _ = self.city_choices[int(rnd() * 4096)]
        email = f"{local}@{_pick(rnd, _EMAIL_DOMAINS)}"
        login = document if rnd() < 0.4 else None
        return (
            self.new_id(), code, person_type, name, folded, document, rg_ie, birth, email, email,
            f"{ddd}9{6 + int(rnd() * 4)}{int(rnd() * 10_000_000):07d}",
            f"{ddd}{2 + int(rnd() * 4)}{int(rnd() * 10_000_000):07d}" if rnd() < 0.3 else None,
            f"{cep_lo + int(rnd() * (cep_hi - cep_lo + 1)):05d}{int(rnd() * 1000):03d}",
            _pick(rnd, pools.streets), str(1 + int(rnd() * 2999)),
            _pick(rnd, _COMPLEMENTS) if rnd() < 0.2 else None,
            _pick(rnd, pools.districts), city, uf, login, self.password_hash if login else None,
            "ativo" if rnd() < 0.92 else "inativo",
            "Cliente de demonstração" if rnd() < 0.02 else None,
            self.now, self.who, 1,
        )


def generate_demo(
    factory: UnitOfWorkFactory,
    customers: int,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    actor: Actor | None = None,
    seed: int | None = None,
) -> int:
    """Insert `customers` realistic demo customers in one transaction; return how many.

    Args:
        factory: the unit-of-work factory of the target database (empty or not: codes continue).
        progress: ``progress(done, total, text)`` after each batch.
        cancelled: polled between batches; True → roll back everything and return 0.
        actor: who generates (audited); defaults to the system actor.
        seed: makes the data reproducible.

    Raises:
        PermissionDenied: the actor may not import customers.
    """
    from ispdesk.services.users import hash_password

    if customers <= 0:
        return 0
    who = actor or Actor.system()
    rng = random.Random(seed)
    pools = _Pools(rng, seed)
    password_hash = hash_password(DEMO_PORTAL_PASSWORD)
    with factory(who) as uow:
        uow.require(Permission.CUSTOMERS_IMPORT)
        taken = {d for d in uow.session.scalars(select(Customer.document)) if d}
        first = uow.next_numbers("customer_code", customers)
        table = cast(Table, Customer.__table__)
        write, gen = _bulk_writer(uow.session, table, rng, pools, taken, password_hash, uow, who.login)
        rebuild = _drop_search_indexes(uow.session) if uow.session.get_bind().dialect.name == "sqlite" else []
        done = 0
        while done < customers:
            if cancelled is not None and cancelled():
                uow.rollback()
                return 0
            size = min(BATCH, customers - done)
            row = gen.row
            write([row(first + done + i) for i in range(size)])
            done += size
            if progress is not None:
                progress(done, customers, "Gerando clientes de demonstração")
        if rebuild and progress is not None:
            progress(done, customers, "Criando os índices de busca")
        for index in rebuild:
            index.create(uow.session.connection())
        uow.audit("customer", None, "demo", {"clientes": customers, "codigos": [first, first + customers - 1]},
                  summary=f"{plural(customers, 'cliente de demonstração gerado', 'clientes de demonstração gerados')}")
        uow.commit()
    return customers


def _bulk_writer(
    session: Session, table: Table, rng: random.Random, pools: _Pools, taken: set[str], password_hash: str,
    uow: Any, who: str,
) -> tuple[Callable[[list[tuple[Any, ...]]], None], _Generator]:
    """A fast multi-row INSERT and a generator producing values in the form it takes.

    On SQLite the tuples go straight to the driver's executemany, with the ids, dates and instants
    encoded once the way the columns' own bind processors would; elsewhere a Core executemany.
    """
    conn = session.connection()
    dialect = conn.dialect
    columns = [table.c[name] for name in ROW_COLUMNS]
    today = uow.today
    births = [today - timedelta(days=d) for d in range(18 * 365, 85 * 365)]
    if dialect.name != "sqlite":
        stmt = insert(table)
        gen = _Generator(rng, pools, taken, password_hash, uuid7, births, uow.now, who)

        def write_core(rows: list[tuple[Any, ...]]) -> None:
            session.execute(stmt, [dict(zip(ROW_COLUMNS, r, strict=True)) for r in rows])
            customer_words.add_words(session, [(r[0], r[4]) for r in rows])

        return write_core, gen

    def encoder(name: str) -> Callable[[Any], Any]:
        proc = table.c[name].type._cached_bind_processor(dialect)
        return proc if proc is not None else (lambda v: v)

    encode_id, encode_date, encode_instant = encoder("id"), encoder("birth_date"), encoder("created_at")
    gen = _Generator(rng, pools, taken, password_hash, lambda: encode_id(uuid7()),
                     [encode_date(d) for d in births], encode_instant(uow.now), who)
    sql = (f"INSERT INTO {table.name} ({', '.join(c.name for c in columns)}) "
           f"VALUES ({', '.join('?' * len(columns))})")

    words_sql = customer_words.insert_sql()

    def write_sqlite(rows: list[tuple[Any, ...]]) -> None:
        conn.exec_driver_sql(sql, rows)  # type: ignore[arg-type]
        words = [t for r in rows for t in customer_words.word_tuples(r[0], r[4])]
        conn.exec_driver_sql(words_sql, words)  # type: ignore[arg-type]

    return write_sqlite, gen


def demo_customer_values(
    count: int, today: date, *, seed: int | None = None, taken: set[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Demo customers as plain values keyed by column name (e.g. to write a CSV for a benchmark).

    Args:
        taken: documents not to use (the set grows with the ones generated).
    """
    rng = random.Random(seed)
    births = [today - timedelta(days=d) for d in range(18 * 365, 85 * 365)]
    gen = _Generator(rng, _Pools(rng, seed), taken if taken is not None else set(), "", uuid7, births, None, "")
    for n in range(count):
        yield dict(zip(ROW_COLUMNS, gen.row(n + 1), strict=True))


def _drop_search_indexes(session: Session) -> list[Index]:
    """On an empty SQLite customers table, drop the secondary indexes (rebuilt after the load).

    Building an index once over sorted keys is several times faster than a million random inserts
    into it. DDL is transactional in SQLite, so a cancel or crash rolls the drop back too.
    """
    if session.scalar(select(Customer.id).limit(1)) is not None:
        return []
    indexes = sorted(cast(Table, Customer.__table__).indexes, key=lambda i: str(i.name or ""))
    indexes += sorted(cast(Table, CustomerWord.__table__).indexes, key=lambda i: str(i.name or ""))
    for index in indexes:
        index.drop(session.connection())
    return indexes


def demo_is_allowed(factory: UnitOfWorkFactory) -> bool:
    """True on a database without customers (the GUI offers demo data only then)."""
    with factory(Actor.system()) as uow:
        return uow.session.scalar(select(Customer.id).limit(1)) is None


__all__ = ["CITIES", "DEMO_PORTAL_PASSWORD", "ROW_COLUMNS", "demo_customer_values", "demo_is_allowed", "fast_cnpj",
           "fast_cpf", "generate_demo"]
