"""Demo data for a local workspace (idempotent): members of every government and their practices."""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils.text import slugify
from wagtail.models import Locale

from workspace.accounts.models import FocalPointDesignation
from workspace.accounts.services import add_member, designate_focal_point

from .models import BestPracticePage, BestPracticePillar, BestPracticeRelation, GovernmentPage, TargetPopulation

DEMO_PASSWORD = "demo-workspace-2026"
DISCARD_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


@contextmanager
def emails_discarded():
    """Seed without sending: emails built while seeding (immediate tasks) go to Django's dummy backend.

    With a task worker (TASKS_BACKEND set), an email task enqueued here would run later with the
    real backend: seed_demo is for local demos, where tasks run immediately.
    """
    with override_settings(EMAIL_BACKEND=DISCARD_EMAIL_BACKEND):
        yield


COORDINATORS = (("coordinacion@example.org", "Alexandra", "Bonilla", "es"),)

FOCAL_POINTS = (
    ("BZ", "focal.bz@example.org", "Sharon", "Young"),
    ("CR", "focal.cr@example.org", "Johnny", "Ruiz"),
    ("CR", "focal2.cr@example.org", "María Fernanda", "Solís"),
    ("DO", "focal.do@example.org", "Rafael", "Peña"),
    ("SV", "focal.sv@example.org", "Claudia", "Hernández"),
    ("GT", "focal.gt@example.org", "Ana Lucía", "Morales"),
    ("GT", "focal2.gt@example.org", "Jorge", "Castillo"),
    ("HT", "focal.ht@example.org", "Jean-Baptiste", "Étienne"),
    ("HN", "focal.hn@example.org", "Karla", "Mejía"),
    ("MX", "focal.mx@example.org", "Luis", "Ortega"),
    ("PA", "focal.pa@example.org", "Itzel", "Rodríguez"),
)

# The focal point who drafts each government's demo practices.
FOCAL_POINT_EMAILS = {}
for _code, _email, _first, _last in FOCAL_POINTS:
    FOCAL_POINT_EMAILS.setdefault(_code, _email)

PARTICIPANTS = (
    ("participante@example.org", "Diego", "Ramírez", "es"),
    ("participant.fr@example.org", "Nadège", "Pierre", "fr"),
    ("participant.en@example.org", "Kevin", "Moore", "en"),
)


@transaction.atomic
def seed_demo():
    """Create the demo members that do not exist yet; return the list of demo sign-ins."""
    User = get_user_model()
    sign_ins = []

    def ensure(email, **kwargs):
        if not User.objects.filter(email__iexact=email).exists():
            add_member(email=email, password=DEMO_PASSWORD, **kwargs)
        sign_ins.append((email, kwargs["role"], kwargs.get("government_code") or ""))

    for email, first, last, language in COORDINATORS:
        ensure(email, role="coordinator", first_name=first, last_name=last, language=language)
    for code, email, first, last in FOCAL_POINTS:
        ensure(email, role="focal_point", government_code=code, first_name=first, last_name=last)
    for email, first, last, language in PARTICIPANTS:
        ensure(email, role="participant", first_name=first, last_name=last, language=language)
    coordinator = User.objects.get(email=COORDINATORS[0][0])
    seed_designations(coordinator=coordinator)
    seed_practices(coordinator=coordinator)
    return sign_ins


def seed_designations(*, coordinator):
    """Each government's first demo focal point is its primary, a second one its alternate."""
    seen = set()
    for code, email, _first, _last in FOCAL_POINTS:
        designation = (
            FocalPointDesignation.Designation.ALTERNATE if code in seen else FocalPointDesignation.Designation.PRIMARY
        )
        seen.add(code)
        if not FocalPointDesignation.objects.filter(government_code=code, designation=designation).exists():
            member = get_user_model().objects.get(email=email)
            designate_focal_point(member=member, designation=designation, by=coordinator)


# --- Best practices -------------------------------------------------------------------------
# Every demo practice goes through Wagtail's "Coordinator review" workflow: a focal point of
# the government drafts and submits it, the coordinator approves it (which publishes it).


def build_practice(
    *,
    government,
    title,
    summary,
    pillars,
    instrument_type,
    start_year,
    end_year=None,
    populations=(),
    partners=(),
    tags=(),
    body=(),
    results="",
    key_figures=(),
    contact=None,
    author=None,
    slug=None,
):
    """An unsaved practice for `government` (relations held in memory until it is added to the tree).

    `body` is a list of paragraphs (str) or StreamField (block_type, value) pairs;
    `key_figures` a list of (figure, label, source).
    """
    page = BestPracticePage(
        title=title,
        slug=slug or slugify(title)[:80],
        summary=summary,
        instrument_type=instrument_type,
        start_year=start_year,
        end_year=end_year,
        partners="\n".join(partners),
        results=results,
        body=[("text", f"<p>{item}</p>") if isinstance(item, str) else item for item in body],
        key_figures=[("figure", {"figure": f, "label": label, "source": source}) for f, label, source in key_figures],
        contact=contact or author,
        owner=author,
        locale=government.locale,
    )
    page.pillar_links = [BestPracticePillar(pillar=number) for number in sorted(set(pillars))]
    page.target_populations = list(TargetPopulation.objects.filter(slug__in=populations))
    if tags:
        page.tags.add(*tags)
    return page


def draft_practice(*, government, author, **fields):
    """Create a never-published practice under `government`, with one revision by `author`."""
    page = build_practice(government=government, author=author, **fields)
    page.live = False
    page.has_unpublished_changes = True
    government.add_child(instance=page)
    page.save_revision(user=author, log_action=True)
    return page


def submit_for_review(page, *, by):
    """Start the page's workflow ("Coordinator review") on its latest revision, as `by`."""
    return page.get_workflow().start(page, by)


def approve(page, *, by, comment=""):
    """Approve the page's current review task as `by` (a coordinator): publishes the revision."""
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, by, "approve", comment=comment)
    page.refresh_from_db()
    return page


def translate_practice(page, language_code, *, by, title, summary, body=()):
    """Create a translation of a practice (Wagtail i18n) as a draft revision by `by`."""
    locale = Locale.objects.get(language_code=language_code)
    translation = page.copy_for_translation(locale)
    translation.title = title
    translation.draft_title = title
    translation.slug = slugify(title)[:80]
    translation.summary = summary
    if body:
        translation.body = [("text", f"<p>{paragraph}</p>") for paragraph in body]
    translation.owner = by
    translation.save_revision(user=by, log_action=True)
    return translation


def publish_through_review(page, *, author, reviewer):
    submit_for_review(page, by=author)
    return approve(page, by=reviewer, comment="")


def seed_practices(*, coordinator):
    """Create the demo practices that do not exist yet (matched by slug under each government)."""
    User = get_user_model()
    created = 0
    for item in DEMO_PRACTICES:
        government = GovernmentPage.objects.get(code=item["government"], locale__language_code="es")
        slug = slugify(item["title"])[:80]
        if BestPracticePage.objects.child_of(government).filter(slug=slug).exists():
            continue
        author = User.objects.get(email=FOCAL_POINT_EMAILS[item["government"]])
        page = draft_practice(
            government=government,
            author=author,
            slug=slug,
            **{key: value for key, value in item.items() if key not in ("government", "translations")},
        )
        publish_through_review(page, author=author, reviewer=coordinator)
        created += 1
        for language_code, translated in item.get("translations", {}).items():
            translation = translate_practice(page, language_code, by=author, **translated)
            publish_through_review(translation, author=author, reviewer=coordinator)
    _link_related_practices(coordinator=coordinator)
    return created


def _link_related_practices(*, coordinator):
    by_slug = {page.slug: page for page in BestPracticePage.objects.filter(locale__language_code="es")}
    for slug, related_slugs in RELATED_PRACTICES.items():
        page = by_slug.get(slug)
        if page is None or page.related_links.exists():
            continue
        links = [BestPracticeRelation(practice=by_slug[other]) for other in related_slugs if other in by_slug]
        if not links:
            continue
        for order, link in enumerate(links):
            link.sort_order = order
        # Linking is an edit of a live practice: a new revision, reviewed like any edit.
        page.related_links = links
        page.save_revision(user=page.owner, log_action=True)
        publish_through_review(page, author=page.owner, reviewer=coordinator)


POLICY = BestPracticePage.InstrumentType.POLICY
PROTOCOL = BestPracticePage.InstrumentType.PROTOCOL
CAMPAIGN = BestPracticePage.InstrumentType.CAMPAIGN
TRAINING = BestPracticePage.InstrumentType.TRAINING
TOOL = BestPracticePage.InstrumentType.TOOL
PARTNERSHIP = BestPracticePage.InstrumentType.PARTNERSHIP

DEMO_PRACTICES = (
    # --- Guatemala ---------------------------------------------------------------------------
    {
        "government": "GT",
        "title": "Protocolo de recepción y reintegración de personas retornadas",
        "summary": "Protocolo interinstitucional que organiza la recepción digna de las personas guatemaltecas "
        "retornadas por vía aérea y terrestre: registro, atención psicosocial, orientación laboral y referencia "
        "a servicios municipales en las primeras 72 horas.",
        "pillars": [1, 3],
        "populations": ["returnees", "unaccompanied-children"],
        "instrument_type": PROTOCOL,
        "start_year": 2017,
        "partners": [
            "Instituto Guatemalteco de Migración",
            "Ministerio de Relaciones Exteriores",
            "Secretaría de Bienestar Social",
        ],
        "tags": ["retorno", "reintegración", "atención psicosocial"],
        "body": [
            "El protocolo define quién hace qué desde que el vuelo aterriza: la autoridad migratoria registra a "
            "cada persona, el equipo psicosocial identifica necesidades de protección y la oficina de empleo "
            "ofrece orientación laboral antes de la salida del centro de recepción.",
            "Las niñas, niños y adolescentes no acompañados se refieren de inmediato a la Secretaría de "
            "Bienestar Social, que coordina con la familia y la Procuraduría General de la Nación.",
            (
                "quote",
                {
                    "text": "Recibir bien es el primer paso de la reintegración.",
                    "attribution": "Equipo del centro de recepción",
                },
            ),
        ],
        "results": "<p>El tiempo medio de atención bajó de seis a tres horas y todas las personas retornadas "
        "reciben una constancia de registro que facilita el acceso a documentos de identidad.</p>",
        "key_figures": [("3 h", "tiempo medio de atención por persona", "Registro del centro de recepción, 2019")],
        "translations": {
            "en": {
                "title": "Reception and reintegration protocol for returnees",
                "summary": "An inter-agency protocol for the dignified reception of Guatemalan returnees by air "
                "and land: registration, psychosocial care, job counselling and referral to municipal services "
                "within the first 72 hours.",
            },
        },
    },
    {
        "government": "GT",
        "title": "Mesa municipal de movilidad humana en Huehuetenango",
        "summary": "Espacio de coordinación entre la municipalidad, organizaciones de sociedad civil y "
        "la delegación migratoria para planificar la atención a personas migrantes en tránsito y retornadas "
        "en el occidente del país.",
        "pillars": [2],
        "populations": ["migrants-in-transit", "returnees", "host-communities"],
        "instrument_type": PARTNERSHIP,
        "start_year": 2018,
        "partners": ["Municipalidad de Huehuetenango", "Pastoral de Movilidad Humana", "OIM Guatemala"],
        "tags": ["gobernanza local", "coordinación"],
        "body": [
            "La mesa se reúne cada mes, mantiene un mapa de servicios actualizado y acuerda respuestas "
            "conjuntas cuando aumentan los flujos en la frontera con México.",
        ],
        "key_figures": [("14", "instituciones participantes", "Acta de la mesa, 2019")],
    },
    {
        "government": "GT",
        "title": "Campaña «Infórmate antes de migrar» contra el tráfico ilícito de migrantes",
        "summary": "Campaña de comunicación para el desarrollo en radios comunitarias y redes sociales que "
        "explica los riesgos del tráfico ilícito de migrantes y las vías regulares de migración laboral, en "
        "español y en cuatro idiomas mayas.",
        "pillars": [4],
        "populations": ["at-risk-of-irregular-migration"],
        "instrument_type": CAMPAIGN,
        "start_year": 2019,
        "end_year": 2020,
        "partners": ["Ministerio de Trabajo y Previsión Social", "Radios comunitarias del altiplano"],
        "tags": ["tráfico ilícito", "comunicación", "idiomas mayas"],
        "body": [
            "Los mensajes se diseñaron con jóvenes de los municipios con mayor emigración y se difundieron en "
            "k'iche', q'anjob'al, mam y q'eqchi'.",
            (
                "table",
                {
                    "caption": "Difusión por canal",
                    "first_row_is_header": True,
                    "data": "Canal | Mensajes | Personas alcanzadas\nRadio comunitaria | 1 200 | 350 000\n"
                    "Redes sociales | 300 | 210 000",
                },
            ),
        ],
        "key_figures": [("560 000", "personas alcanzadas", "Informe final de la campaña")],
    },
    # --- Honduras ----------------------------------------------------------------------------
    {
        "government": "HN",
        "title": "Centros de atención al migrante retornado (CAMR)",
        "summary": "Red de centros en San Pedro Sula y Omoa donde las personas hondureñas retornadas reciben "
        "alimentación, atención médica, transporte a su comunidad y referencia a programas de reinserción.",
        "pillars": [3, 1],
        "populations": ["returnees", "unaccompanied-children"],
        "instrument_type": PROTOCOL,
        "start_year": 2014,
        "partners": ["Cancillería de Honduras", "Cruz Roja Hondureña", "Hermanas Scalabrinianas"],
        "tags": ["retorno", "niñez migrante"],
        "body": [
            "Los centros aplican un flujo de atención único y comparten un registro con la Cancillería, lo "
            "que permite dar seguimiento a la reintegración en los municipios de origen.",
        ],
        "key_figures": [("75 000", "personas atendidas en un año", "Observatorio Consular y Migratorio")],
    },
    {
        "government": "HN",
        "title": "Diplomado en gobernanza migratoria para personal municipal",
        "summary": "Programa de formación de seis módulos para las oficinas municipales de migración y "
        "retorno, con prácticas en casos reales y certificación universitaria.",
        "pillars": [1],
        "populations": ["public-officials"],
        "instrument_type": TRAINING,
        "start_year": 2019,
        "partners": ["Universidad Nacional Autónoma de Honduras", "Asociación de Municipios de Honduras"],
        "tags": ["formación", "gobernanza local"],
        "body": ["Los módulos cubren marco normativo, protección, datos migratorios y planificación local."],
        "key_figures": [("120", "funcionarias y funcionarios certificados", "UNAH, 2020")],
    },
    {
        "government": "HN",
        "title": "Alianza público-privada para la reinserción laboral de personas retornadas",
        "summary": "Acuerdo con cámaras de comercio para certificar competencias adquiridas en el exterior y "
        "vincular a personas retornadas con vacantes formales.",
        "pillars": [2],
        "populations": ["returnees", "migrant-workers"],
        "instrument_type": PARTNERSHIP,
        "start_year": 2018,
        "partners": ["Secretaría de Trabajo y Seguridad Social", "Cámara de Comercio e Industrias de Cortés"],
        "tags": ["reintegración", "empleo", "sector privado"],
        "body": ["Las empresas participantes reservan vacantes y reconocen la experiencia laboral certificada."],
    },
    # --- El Salvador -------------------------------------------------------------------------
    {
        "government": "SV",
        "title": "Ventanilla única de atención a personas retornadas en el aeropuerto",
        "summary": "Una ventanilla donde las instituciones del Estado atienden juntas a la persona retornada: "
        "documentos, salud, empleo y emprendimiento, con cita de seguimiento en su departamento.",
        "pillars": [1, 3],
        "populations": ["returnees"],
        "instrument_type": PROTOCOL,
        "start_year": 2016,
        "partners": ["Dirección General de Migración y Extranjería", "Ministerio de Relaciones Exteriores"],
        "tags": ["retorno", "ventanilla única"],
        "body": ["La ventanilla evita que la persona recorra varias oficinas y reduce los costos de traslado."],
        "key_figures": [("92 %", "de las personas atendidas obtienen su documento el mismo día", "DGME")],
    },
    {
        "government": "SV",
        "title": "Campaña «Migrar no es un juego» dirigida a adolescentes",
        "summary": "Campaña escolar de prevención que combina teatro, radio y mensajes en redes sociales para "
        "que adolescentes y sus familias conozcan los riesgos de la migración irregular y las alternativas locales.",
        "pillars": [4],
        "populations": ["at-risk-of-irregular-migration", "unaccompanied-children"],
        "instrument_type": CAMPAIGN,
        "start_year": 2018,
        "end_year": 2019,
        "partners": ["Ministerio de Educación", "Consejo Nacional de la Niñez y de la Adolescencia"],
        "tags": ["comunicación", "niñez migrante", "prevención"],
        "body": ["Las obras de teatro se presentaron en 80 centros escolares de los departamentos de origen."],
    },
    {
        "government": "SV",
        "title": "Mecanismo de coordinación consular con México y Guatemala",
        "summary": "Acuerdo operativo entre consulados para la asistencia a personas salvadoreñas en tránsito: "
        "alertas compartidas, visitas a estaciones migratorias y repatriación coordinada.",
        "pillars": [2, 3],
        "populations": ["migrants-in-transit"],
        "instrument_type": PARTNERSHIP,
        "start_year": 2015,
        "partners": ["Red consular de El Salvador en México y Guatemala"],
        "tags": ["asistencia consular", "coordinación"],
        "body": ["Los consulados comparten un canal de alertas para casos de personas desaparecidas o heridas."],
    },
    # --- Mexico ------------------------------------------------------------------------------
    {
        "government": "MX",
        "title": "Aplicación de asistencia consular para personas migrantes",
        "summary": "Aplicación móvil gratuita que muestra el consulado más cercano, números de emergencia, "
        "derechos de las personas migrantes y alertas de riesgo, y funciona sin conexión.",
        "pillars": [4, 1],
        "populations": ["migrants-in-transit", "migrant-workers"],
        "instrument_type": TOOL,
        "start_year": 2017,
        "partners": ["Secretaría de Relaciones Exteriores", "Instituto de los Mexicanos en el Exterior"],
        "tags": ["asistencia consular", "aplicación", "información"],
        "body": [
            "La aplicación se inspira en MigApp y se actualiza desde un panel que gestionan los consulados.",
        ],
        "key_figures": [("250 000", "descargas", "Tiendas de aplicaciones, 2020")],
        "translations": {
            "en": {
                "title": "Consular assistance app for migrants",
                "summary": "A free mobile app showing the nearest consulate, emergency numbers, migrants' "
                "rights and risk alerts, which also works offline.",
            },
            "fr": {
                "title": "Application d'assistance consulaire pour les migrants",
                "summary": "Une application mobile gratuite qui indique le consulat le plus proche, les numéros "
                "d'urgence, les droits des migrants et les alertes de risque, et qui fonctionne hors ligne.",
            },
        },
    },
    {
        "government": "MX",
        "title": "Registro de trabajadores temporales de la frontera sur",
        "summary": "Registro en línea que documenta a las personas trabajadoras temporales guatemaltecas y "
        "beliceñas en Chiapas y Tabasco, con tarjeta de visitante trabajador fronterizo y seguimiento de "
        "condiciones laborales.",
        "pillars": [1, 2],
        "populations": ["migrant-workers"],
        "instrument_type": POLICY,
        "start_year": 2016,
        "partners": ["Instituto Nacional de Migración", "Secretaría del Trabajo y Previsión Social"],
        "tags": ["migración laboral", "registro", "frontera sur"],
        "body": ["El registro permite a los empleadores verificar la condición migratoria en línea."],
        "key_figures": [("48 000", "tarjetas emitidas al año", "Instituto Nacional de Migración")],
    },
    {
        "government": "MX",
        "title": "Mecanismo de coordinación de albergues en crisis migratorias",
        "summary": "Tablero compartido entre protección civil, autoridades migratorias y albergues de la "
        "sociedad civil para asignar plazas, alimentos y atención médica cuando llegan caravanas.",
        "pillars": [3, 2],
        "populations": ["migrants-in-transit", "host-communities", "displaced-persons"],
        "instrument_type": PROTOCOL,
        "start_year": 2018,
        "partners": ["Coordinación Nacional de Protección Civil", "Red de albergues de Tapachula"],
        "tags": ["albergues", "gestión de crisis", "coordinación"],
        "body": [
            "Cada albergue informa dos veces al día su ocupación; el tablero asigna a las familias con "
            "niñas y niños pequeños a los albergues con atención pediátrica.",
        ],
        "key_figures": [("6 000", "personas albergadas durante la caravana de 2018", "Protección Civil")],
    },
    {
        "government": "MX",
        "title": "Grupo técnico de datos migratorios con los gobiernos del norte de Centroamérica",
        "summary": "Grupo técnico que armoniza definiciones y comparte trimestralmente estadísticas de "
        "retorno, tránsito y protección para planificar la respuesta regional.",
        "pillars": [2, 1],
        "populations": ["returnees", "migrants-in-transit"],
        "instrument_type": PARTNERSHIP,
        "start_year": 2019,
        "partners": ["Unidad de Política Migratoria", "Institutos de estadística de la región"],
        "tags": ["datos", "cooperación regional"],
        "body": ["El grupo publica un boletín trimestral con indicadores comunes."],
    },
    # --- Belize ------------------------------------------------------------------------------
    {
        "government": "BZ",
        "title": "Programa de amnistía migratoria y regularización",
        "summary": "Programa nacional que permite a personas migrantes con años de residencia en Belice "
        "regularizar su situación, con ventanillas móviles en los distritos y orientación en español e inglés.",
        "pillars": [1],
        "populations": ["migrant-workers", "host-communities"],
        "instrument_type": POLICY,
        "start_year": 2022,
        "partners": ["Department of Immigration and Nationality", "UNHCR Belize"],
        "tags": ["regularización", "documentación"],
        "body": ["Las ventanillas móviles recorren las comunidades rurales de Cayo, Orange Walk y Toledo."],
        "translations": {
            "en": {
                "title": "Immigration amnesty and regularisation programme",
                "summary": "A national programme allowing long-term migrant residents of Belize to regularise "
                "their status, with mobile service points in the districts and guidance in English and Spanish.",
            },
        },
    },
    {
        "government": "BZ",
        "title": "Formación en identificación de víctimas de trata para personal fronterizo",
        "summary": "Curso práctico para personal de inmigración, policía y aduanas en los puntos fronterizos "
        "sobre indicadores de trata de personas y referencia a servicios de protección.",
        "pillars": [1, 4],
        "populations": ["trafficking-survivors", "public-officials"],
        "instrument_type": TRAINING,
        "start_year": 2019,
        "partners": ["Anti-Trafficking in Persons Council", "Belize Police Department"],
        "tags": ["trata de personas", "formación", "fronteras"],
        "body": ["El curso usa estudios de caso de la región y una guía de bolsillo bilingüe."],
        "translations": {
            "en": {
                "title": "Victim identification training for border officials",
                "summary": "A practical course for immigration, police and customs officers at border points on "
                "indicators of human trafficking and referral to protection services.",
            },
        },
    },
    {
        "government": "BZ",
        "title": "Plan de contingencia ante flujos mixtos en la frontera occidental",
        "summary": "Plan interinstitucional que define umbrales de alerta, responsables y recursos para "
        "atender un aumento repentino de llegadas en Benque Viejo del Carmen.",
        "pillars": [3],
        "populations": ["migrants-in-transit", "displaced-persons"],
        "instrument_type": PROTOCOL,
        "start_year": 2020,
        "partners": ["National Emergency Management Organization", "Ministry of Human Development"],
        "tags": ["gestión de crisis", "plan de contingencia"],
        "body": ["El plan se puso a prueba en un simulacro conjunto con Guatemala."],
    },
    # --- Costa Rica --------------------------------------------------------------------------
    {
        "government": "CR",
        "title": "Ventanilla de migración laboral para el sector agrícola",
        "summary": "Mecanismo de contratación regular de personas trabajadoras temporales para las cosechas de "
        "café y caña, con permisos de trabajo tramitados en línea por los empleadores.",
        "pillars": [1, 2],
        "populations": ["migrant-workers"],
        "instrument_type": POLICY,
        "start_year": 2018,
        "partners": ["Ministerio de Trabajo y Seguridad Social", "Dirección General de Migración y Extranjería"],
        "tags": ["migración laboral", "agricultura"],
        "body": [
            "La ventanilla conecta la demanda de mano de obra de las cooperativas con la oferta registrada "
            "y verifica condiciones de trabajo decente.",
        ],
        "key_figures": [("11 000", "permisos temporales al año", "MTSS, 2019")],
    },
    {
        "government": "CR",
        "title": "Centros de atención temporal para personas migrantes en tránsito",
        "summary": "Centros en la frontera sur donde las personas en tránsito reciben alojamiento, "
        "alimentación, salud y orientación, coordinados por la Comisión Nacional de Emergencias.",
        "pillars": [3],
        "populations": ["migrants-in-transit", "host-communities"],
        "instrument_type": PROTOCOL,
        "start_year": 2016,
        "partners": ["Comisión Nacional de Emergencias", "Cruz Roja Costarricense"],
        "tags": ["albergues", "gestión de crisis"],
        "body": ["Los centros aplican estándares mínimos de alojamiento y protección acordados con la OIM."],
    },
    {
        "government": "CR",
        "title": "Programa de formación en gestión migratoria con la plataforma E-Campus",
        "summary": "Cursos virtuales de la plataforma de aprendizaje en línea de la OIM adaptados al marco "
        "costarricense para personal de migración, trabajo y municipalidades.",
        "pillars": [1],
        "populations": ["public-officials"],
        "instrument_type": TRAINING,
        "start_year": 2019,
        "partners": ["Dirección General de Migración y Extranjería", "OIM E-Campus"],
        "tags": ["formación", "aprendizaje en línea"],
        "body": ["Cada curso termina con una evaluación y un certificado reconocido por la institución."],
    },
    # --- Panama ------------------------------------------------------------------------------
    {
        "government": "PA",
        "title": "Estaciones de recepción migratoria en Darién",
        "summary": "Estaciones donde las personas que cruzan la selva de Darién reciben atención médica, "
        "registro biométrico, alimentación y orientación sobre protección internacional.",
        "pillars": [3],
        "populations": ["migrants-in-transit", "unaccompanied-children"],
        "instrument_type": PROTOCOL,
        "start_year": 2016,
        "partners": ["Servicio Nacional de Migración", "Ministerio de Salud", "UNICEF Panamá"],
        "tags": ["Darién", "gestión de crisis", "salud"],
        "body": ["La atención prioriza a niñas y niños, mujeres embarazadas y personas heridas."],
        "key_figures": [("24 000", "personas atendidas en 2019", "Servicio Nacional de Migración")],
    },
    {
        "government": "PA",
        "title": "Flujo controlado coordinado con Costa Rica",
        "summary": "Acuerdo binacional para el traslado ordenado y seguro de personas migrantes en tránsito "
        "entre las estaciones de Panamá y los centros de Costa Rica.",
        "pillars": [2, 3],
        "populations": ["migrants-in-transit"],
        "instrument_type": PARTNERSHIP,
        "start_year": 2016,
        "partners": ["Servicio Nacional de Migración", "Dirección General de Migración y Extranjería de Costa Rica"],
        "tags": ["cooperación regional", "tránsito"],
        "body": ["Los dos servicios comparten listas de traslado y horarios acordados cada semana."],
    },
    {
        "government": "PA",
        "title": "Campaña «Tu viaje, tu derecho» sobre tráfico de migrantes",
        "summary": "Campaña en terminales de transporte y redes sociales que informa sobre los riesgos del "
        "tráfico ilícito de migrantes y cómo denunciarlo de forma segura.",
        "pillars": [4],
        "populations": ["migrants-in-transit", "trafficking-survivors"],
        "instrument_type": CAMPAIGN,
        "start_year": 2020,
        "partners": ["Ministerio de Seguridad Pública", "Autoridad de Tránsito"],
        "tags": ["tráfico ilícito", "comunicación"],
        "body": ["Los carteles incluyen un código QR hacia la línea de denuncia gratuita."],
    },
    # --- Dominican Republic ------------------------------------------------------------------
    {
        "government": "DO",
        "title": "Plan de regularización de extranjeros: ventanillas móviles",
        "summary": "Equipos móviles que llevan los trámites de regularización a bateyes y comunidades rurales, "
        "con orientación en español y en creole.",
        "pillars": [1],
        "populations": ["migrant-workers", "host-communities"],
        "instrument_type": POLICY,
        "start_year": 2014,
        "end_year": 2015,
        "partners": ["Dirección General de Migración", "Ministerio de Interior y Policía"],
        "tags": ["regularización", "documentación"],
        "body": ["Las ventanillas redujeron el costo de traslado para las personas trabajadoras agrícolas."],
    },
    {
        "government": "DO",
        "title": "Mesa interinstitucional contra la trata de personas y el tráfico ilícito",
        "summary": "Comisión nacional que coordina prevención, persecución y protección de víctimas, con un "
        "protocolo único de identificación y referencia.",
        "pillars": [2, 4],
        "populations": ["trafficking-survivors"],
        "instrument_type": PARTNERSHIP,
        "start_year": 2017,
        "partners": ["Procuraduría General de la República", "Ministerio de la Mujer"],
        "tags": ["trata de personas", "coordinación"],
        "body": ["La mesa publica un informe anual con indicadores de casos identificados y atendidos."],
    },
    {
        "government": "DO",
        "title": "Protocolo de respuesta a la llegada de personas desplazadas por huracanes",
        "summary": "Protocolo que prepara a las provincias fronterizas para recibir a personas desplazadas por "
        "desastres en la isla: albergues, registro y retorno voluntario.",
        "pillars": [3],
        "populations": ["displaced-persons", "host-communities"],
        "instrument_type": PROTOCOL,
        "start_year": 2019,
        "partners": ["Centro de Operaciones de Emergencia", "Defensa Civil"],
        "tags": ["desastres", "gestión de crisis", "albergues"],
        "body": ["El protocolo incorpora la Matriz de Seguimiento del Desplazamiento para el registro."],
    },
    # --- Haiti -------------------------------------------------------------------------------
    {
        "government": "HT",
        "title": "Centro de acogida de personas retornadas en Ouanaminthe",
        "summary": "Centro en la frontera norte que recibe a las personas haitianas retornadas, les ofrece "
        "atención inmediata, transporte y referencia a programas de medios de vida.",
        "pillars": [3, 1],
        "populations": ["returnees", "unaccompanied-children"],
        "instrument_type": PROTOCOL,
        "start_year": 2015,
        "partners": ["Office National de la Migration", "Groupe d'Appui aux Rapatriés et Réfugiés"],
        "tags": ["retorno", "frontera"],
        "body": ["El centro registra a cada persona y entrega un kit de higiene y un bono de transporte."],
        "translations": {
            "fr": {
                "title": "Centre d'accueil des personnes de retour à Ouanaminthe",
                "summary": "Un centre à la frontière nord qui accueille les Haïtiens de retour, leur offre une "
                "prise en charge immédiate, le transport et l'orientation vers des programmes de moyens de "
                "subsistance.",
                "body": [
                    "Le centre enregistre chaque personne et remet un kit d'hygiène et un bon de transport.",
                ],
            },
        },
    },
    {
        "government": "HT",
        "title": "Campaña radial sobre migración segura en creole",
        "summary": "Programas de radio en creole haitiano con testimonios de personas retornadas sobre los "
        "riesgos de la migración irregular y las vías regulares hacia países vecinos.",
        "pillars": [4],
        "populations": ["at-risk-of-irregular-migration", "returnees"],
        "instrument_type": CAMPAIGN,
        "start_year": 2019,
        "partners": ["Office National de la Migration", "Radios communautaires du Nord-Est"],
        "tags": ["comunicación", "creole"],
        "body": ["Los programas se emiten semanalmente en doce radios comunitarias."],
        "translations": {
            "fr": {
                "title": "Campagne radio sur la migration sûre en créole",
                "summary": "Des émissions de radio en créole haïtien avec des témoignages de personnes de retour "
                "sur les risques de la migration irrégulière et les voies régulières vers les pays voisins.",
            },
        },
    },
    {
        "government": "HT",
        "title": "Formación del personal de la Oficina Nacional de Migración en gestión de fronteras",
        "summary": "Programa de formación sobre gestión integrada de fronteras, derechos humanos y "
        "identificación de personas vulnerables para el personal de los cuatro puntos oficiales de paso.",
        "pillars": [1],
        "populations": ["public-officials"],
        "instrument_type": TRAINING,
        "start_year": 2018,
        "end_year": 2020,
        "partners": ["Office National de la Migration", "Direction de l'Immigration et de l'Émigration"],
        "tags": ["formación", "fronteras"],
        "body": ["El programa formó a equipos mixtos de migración, aduanas y policía."],
    },
)

# Related practices (by Spanish slug): a practice and the ones it points its readers to.
RELATED_PRACTICES = {
    slugify("Protocolo de recepción y reintegración de personas retornadas")[:80]: [
        slugify("Centros de atención al migrante retornado (CAMR)")[:80],
        slugify("Ventanilla única de atención a personas retornadas en el aeropuerto")[:80],
    ],
    slugify("Mecanismo de coordinación de albergues en crisis migratorias")[:80]: [
        slugify("Centros de atención temporal para personas migrantes en tránsito")[:80],
        slugify("Estaciones de recepción migratoria en Darién")[:80],
    ],
}
