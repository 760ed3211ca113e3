"""Labelled feeds for measuring deduplication: known duplicate clusters across sources and formats.

    python bench/generate_duplicates.py --records 1000000 --out /tmp/dupgen [--seed 0] [--sources K]

writes into OUT:

  registry.yaml     universities (names, aliases, SCHAC and Erasmus codes), national and European
                    aggregators, MOOC platforms, and one source per feed
  feeds/            the feeds: CSV (most of the volume), JSON and XML
  labels.parquet    source_id, source_record_id, cluster: the true micro-credential of every record
  clusters.parquet  one row per true micro-credential: provider, canonical title, ECTS, copies,
                    and its family of hard non-duplicates (family, family_kind), for error analysis
  manifest.json     what was generated (counts per source kind, format, family kind)

A true micro-credential (a cluster) is offered by one university and appears in 1 to 4 sources
(55/25/15/5 %): the university's own feed, the national aggregator of its country, the European
aggregator, MOOC platforms (awarding body = the university). The first copy, in the own feed when
the university has one, carries the canonical title; other copies carry noise: case, accents
dropped or added, punctuation, one typo in a longer word, abbreviations ("Intro.", "&", "Mgmt"),
suffixes ("(MOOC)", " - online", ": micro-credential", " 2026"), whitespace; the provider by name,
alias, SCHAC/Erasmus code or a misspelled name; ECTS (15 %), EQF (20 %), start date, URL missing;
URL variants (http, no www, trailing slash, utm_ parameters) or the platform's own page.

Hard non-duplicates (about 14 % of clusters belong to such a family, each member its own cluster):
same title at another university; series "X I"/"X II"/"X III" and "Part 1"/"Part 2"; same title
and university with another ECTS volume (5 vs 10); titles that differ by one meaningful word
("Introduction to X"/"Advanced X", "Python for X"/"R for X", "X with Python"/"X with R").

Generation is column-wise (numpy, pyarrow compute); only JSON and XML serialisation loops over
records. Every value is valid under the spec: the pipeline should accept every record.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq
import yaml

XML_NS = "urn:example:microcredentials:1.0"
BASE_DATE = np.datetime64("2026-01-05")
COPIES_P = np.array([0.55, 0.25, 0.15, 0.05])
FAMILY_SEED_SHARE = 0.065  # seeds; with their siblings about 14 % of all clusters
FAMILY_KINDS = ("other_provider", "series", "ects_volume", "one_word")
FAMILY_KIND_P = np.array([0.25, 0.25, 0.2, 0.3])
ECTS_VALUES = np.array([1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10, 12, 15, 20, 30])
ECTS_PAIRS = np.array([[5, 10], [2.5, 5], [3, 6], [4, 8], [6, 12], [7.5, 15], [10, 20], [15, 30]])
EQF_LEVELS = np.array([4, 5, 6, 7, 8])
EQF_P = np.array([0.08, 0.27, 0.35, 0.25, 0.05])

# ---------------------------------------------------------------- vocabularies

LANGS = ("en", "de", "fr", "nl", "es")

# ISCED-F 2013 detailed field | topic in en | de | fr | nl | es
_TOPIC_TABLE = """
0542 | Data Analytics | Datenanalyse | Analyse de données | Data-analyse | Análisis de datos
0613 | Machine Learning | Maschinelles Lernen | Apprentissage automatique | Machine learning | Aprendizaje automático
0613 | Artificial Intelligence | Künstliche Intelligenz | Intelligence artificielle | Kunstmatige intelligentie | Inteligencia artificial
0521 | Circular Economy | Kreislaufwirtschaft | Économie circulaire | Circulaire economie | Economía circular
0413 | Project Management | Projektmanagement | Gestion de projet | Projectmanagement | Gestión de proyectos
0612 | Cybersecurity | Cybersicherheit | Cybersécurité | Cyberveiligheid | Ciberseguridad
0811 | Sustainable Agriculture | Nachhaltige Landwirtschaft | Agriculture durable | Duurzame landbouw | Agricultura sostenible
0414 | Digital Marketing | Digitales Marketing | Marketing numérique | Digitale marketing | Marketing digital
0713 | Renewable Energy Systems | Erneuerbare Energiesysteme | Systèmes d'énergie renouvelable | Hernieuwbare energiesystemen | Sistemas de energías renovables
0919 | Public Health | Öffentliche Gesundheit | Santé publique | Volksgezondheid | Salud pública
0413 | Supply Chain Management | Lieferkettenmanagement | Gestion de la chaîne logistique | Ketenmanagement | Gestión de la cadena de suministro
0612 | Cloud Computing | Cloud-Computing | Informatique en nuage | Cloudcomputing | Computación en la nube
0413 | Entrepreneurship | Unternehmertum | Entrepreneuriat | Ondernemerschap | Emprendimiento
0232 | Academic Writing | Wissenschaftliches Schreiben | Rédaction académique | Academisch schrijven | Escritura académica
0532 | Climate Adaptation | Klimaanpassung | Adaptation au changement climatique | Klimaatadaptatie | Adaptación al cambio climático
1041 | Urban Mobility | Urbane Mobilität | Mobilité urbaine | Stedelijke mobiliteit | Movilidad urbana
0721 | Food Safety | Lebensmittelsicherheit | Sécurité alimentaire | Voedselveiligheid | Seguridad alimentaria
0412 | Financial Literacy | Finanzkompetenz | Éducation financière | Financiële geletterdheid | Educación financiera
0212 | User Experience Design | User-Experience-Design | Conception de l'expérience utilisateur | User experience design | Diseño de experiencia de usuario
0533 | Quantum Computing | Quantencomputing | Informatique quantique | Quantumcomputing | Computación cuántica
0688 | Bioinformatics | Bioinformatik | Bio-informatique | Bio-informatica | Bioinformática
0712 | Water Management | Wassermanagement | Gestion de l'eau | Waterbeheer | Gestión del agua
0714 | Robotics | Robotik | Robotique | Robotica | Robótica
0417 | Leadership | Führungskompetenz | Leadership | Leiderschap | Liderazgo
0314 | Intercultural Communication | Interkulturelle Kommunikation | Communication interculturelle | Interculturele communicatie | Comunicación intercultural
0613 | Blockchain Applications | Blockchain-Anwendungen | Applications de la blockchain | Blockchaintoepassingen | Aplicaciones blockchain
0688 | Geographic Information Systems | Geoinformationssysteme | Systèmes d'information géographique | Geografische informatiesystemen | Sistemas de información geográfica
0114 | Teaching with Technology | Lehren mit digitalen Medien | Enseigner avec le numérique | Onderwijzen met technologie | Enseñar con tecnología
0715 | Smart Manufacturing | Intelligente Fertigung | Fabrication intelligente | Slimme productie | Fabricación inteligente
0421 | Data Protection and Privacy | Datenschutz und Privatsphäre | Protection des données et vie privée | Gegevensbescherming en privacy | Protección de datos y privacidad
1022 | Occupational Safety | Arbeitssicherheit | Sécurité au travail | Arbeidsveiligheid | Seguridad laboral
1015 | Sustainable Tourism | Nachhaltiger Tourismus | Tourisme durable | Duurzaam toerisme | Turismo sostenible
0411 | Accounting and Taxation | Rechnungswesen und Steuern | Comptabilité et fiscalité | Boekhouden en belastingen | Contabilidad y fiscalidad
0313 | Organisational Psychology | Organisationspsychologie | Psychologie des organisations | Organisatiepsychologie | Psicología organizacional
0311 | Behavioural Economics | Verhaltensökonomie | Économie comportementale | Gedragseconomie | Economía del comportamiento
0731 | Urban Planning | Stadtplanung | Urbanisme | Stedenbouw | Urbanismo
0732 | Building Information Modelling | Bauwerksdatenmodellierung | Modélisation des données du bâtiment | Bouwinformatiemodellering | Modelado de información de construcción
0913 | Palliative Care | Palliativpflege | Soins palliatifs | Palliatieve zorg | Cuidados paliativos
0923 | Social Work Practice | Soziale Arbeit | Travail social | Maatschappelijk werk | Trabajo social
0222 | Digital Humanities | Digitale Geisteswissenschaften | Humanités numériques | Digitale geesteswetenschappen | Humanidades digitales
0211 | Video Production | Videoproduktion | Production vidéo | Videoproductie | Producción de vídeo
0541 | Applied Mathematics | Angewandte Mathematik | Mathématiques appliquées | Toegepaste wiskunde | Matemáticas aplicadas
0531 | Green Chemistry | Grüne Chemie | Chimie verte | Groene chemie | Química verde
0512 | Biotechnology | Biotechnologie | Biotechnologie | Biotechnologie | Biotecnología
0812 | Urban Horticulture | Urbaner Gartenbau | Horticulture urbaine | Stadstuinbouw | Horticultura urbana
0821 | Forest Management | Forstwirtschaft | Gestion forestière | Bosbeheer | Gestión forestal
0416 | E-Commerce | Onlinehandel | Commerce électronique | E-commerce | Comercio electrónico
0415 | Office Automation | Büroautomatisierung | Bureautique | Kantoorautomatisering | Ofimática
0322 | Information Management | Informationsmanagement | Gestion de l'information | Informatiemanagement | Gestión de la información
0231 | Business English | Wirtschaftsenglisch | Anglais des affaires | Zakelijk Engels | Inglés de negocios
0312 | European Policy | Europapolitik | Politiques européennes | Europees beleid | Políticas europeas
0716 | Electric Mobility | Elektromobilität | Mobilité électrique | Elektrische mobiliteit | Movilidad eléctrica
0711 | Process Engineering | Verfahrenstechnik | Génie des procédés | Procestechnologie | Ingeniería de procesos
0914 | Medical Imaging | Medizinische Bildgebung | Imagerie médicale | Medische beeldvorming | Imagen médica
0915 | Physiotherapy | Physiotherapie | Kinésithérapie | Fysiotherapie | Fisioterapia
0916 | Pharmacovigilance | Pharmakovigilanz | Pharmacovigilance | Geneesmiddelenbewaking | Farmacovigilancia
1014 | Sports Coaching | Sporttraining | Entraînement sportif | Sportcoaching | Entrenamiento deportivo
1032 | Crisis Management | Krisenmanagement | Gestion de crise | Crisisbeheersing | Gestión de crisis
0223 | Ethics of Technology | Technikethik | Éthique des technologies | Techniekethiek | Ética de la tecnología
0611 | Spreadsheet Modelling | Tabellenkalkulation | Modélisation sur tableur | Spreadsheetmodellering | Modelado con hojas de cálculo
"""
TOPICS = tuple(
    tuple(cell.strip() for cell in row.split("|")) for row in _TOPIC_TABLE.strip().split("\n")
)
# ISCED-F code | topic with English titles only
_EN_TOPIC_TABLE = """
0613 | Software Testing
0613 | Web Development
0613 | Mobile App Development
0612 | Database Administration
0612 | Network Security
0542 | Statistical Modelling
0542 | Survey Methods
0613 | Natural Language Processing
0613 | Computer Vision
0688 | Health Informatics
0413 | Change Management
0413 | Risk Management
0413 | Quality Management
0413 | Lean Six Sigma
0412 | Sustainable Finance
0412 | Financial Technology
0414 | Brand Strategy
0414 | Social Media Communication
0417 | Negotiation Skills
0417 | Public Speaking
0421 | Intellectual Property Law
0421 | Competition Law
0522 | Biodiversity Monitoring
0521 | Life Cycle Assessment
0532 | Remote Sensing
0713 | Hydrogen Technologies
0713 | Battery Storage
0714 | Embedded Systems
0714 | Industrial Automation
0715 | Additive Manufacturing
0722 | Sustainable Packaging
0731 | Sustainable Building Design
0912 | Clinical Research
0913 | Dementia Care
0922 | Early Childhood Education
0111 | Learning Design
0114 | STEM Teaching
0215 | Music Production
0288 | Creative Writing
0321 | Data Journalism
"""
EN_TOPICS = tuple(
    tuple(cell.strip() for cell in row.split("|")) for row in _EN_TOPIC_TABLE.strip().split("\n")
)
# level: (before the topic, after it); the first pairs name the one-word swaps of families
LEVELS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("Introduction to ", ""),
        ("Advanced ", ""),
        ("Python for ", ""),
        ("R for ", ""),
        ("", " for Beginners"),
        ("", " for Professionals"),
        ("Foundations of ", ""),
        ("Applied ", ""),
        ("Essentials of ", ""),
        ("Principles of ", ""),
        ("Professional Certificate in ", ""),
        ("Hands-on ", ""),
        ("", ""),
        ("", ""),
        ("", ""),
    ),
    "de": (
        ("", " für Einsteiger"),
        ("", " für Fortgeschrittene"),
        ("Grundlagen: ", ""),
        ("Vertiefung: ", ""),
        ("", " kompakt"),
        ("", " in der Praxis"),
        ("Zertifikatskurs ", ""),
        ("", ""),
        ("", ""),
    ),
    "fr": (
        ("", " : initiation"),
        ("", " : perfectionnement"),
        ("", " pour débutants"),
        ("", " pour confirmés"),
        ("Certificat en ", ""),
        ("", " en pratique"),
        ("", ""),
        ("", ""),
    ),
    "nl": (
        ("", " voor beginners"),
        ("", " voor gevorderden"),
        ("Inleiding ", ""),
        ("Verdieping ", ""),
        ("Basiscursus ", ""),
        ("", " in de praktijk"),
        ("", ""),
        ("", ""),
    ),
    "es": (
        ("", " para principiantes"),
        ("", ": nivel avanzado"),
        ("Curso de ", ""),
        ("Experto en ", ""),
        ("", " aplicado a la empresa"),
        ("", ""),
        ("", ""),
    ),
}
PROGRAMMING_LEVELS = (2, 3)  # "Python for ", "R for ": only for fields that program
PROGRAMMING_FIELDS = ("0533", "0541", "0542", "0611", "0612", "0613", "0688")
LEVEL_SWAPS: dict[str, tuple[tuple[int, int], ...]] = {
    "en": ((0, 1), (2, 3), (4, 5), (6, 1)),
    "de": ((0, 1), (2, 3)),
    "fr": ((0, 1), (2, 3)),
    "nl": ((0, 1), (2, 3)),
    "es": ((0, 1), (2, 3)),
}
ADJECTIVES = ("",) * 12 + ("Digital ", "Sustainable ", "Strategic ", "Green ")
ADJECTIVES += ("Responsible ", "Data-driven ", "Global ", "Agile ", "Smart ", "Inclusive ")
CONTEXTS: dict[str, tuple[str, ...]] = {
    "en": (
        *("", "", "", "", "", ""),
        *(" for Healthcare", " in Manufacturing", " for Public Administration", " for SMEs"),
        *(" for Educators", " in Agriculture", " for Engineers", " in Finance", " for Managers"),
        *(" in the Energy Sector", " for Researchers", " in Logistics", " for Startups"),
        *(" in Tourism", " for the Creative Industries", " in Construction", " for Lawyers"),
        *(" for Nurses", " in Retail", " for Local Government", " in the Food Industry"),
        *(" for Non-Profits", " in Transport", " for Social Workers", " in Higher Education"),
        *(" for HR Professionals", " in the Public Sector", " for Teachers", " in Insurance"),
        *(" for Policy Makers", " in the Automotive Industry", " for Pharmacists", " in Aviation"),
        *(" for Architects", " in Banking", " for Journalists", " in the Maritime Sector"),
        *(" for Consultants", " in Hospitality", " for Farmers", " in Telecommunications"),
        *(" for Librarians", " in Sports", " for Designers", " in the Chemical Industry"),
        *(" for Data Stewards", " in Mining", " for Civil Servants", " in Water Utilities"),
    ),
    "de": (
        *("", "", "", ""),
        *(" im Gesundheitswesen", " für KMU", " in der Industrie", " für Lehrkräfte"),
        *(" in der öffentlichen Verwaltung", " für Führungskräfte", " in der Landwirtschaft"),
        *(" im Bauwesen", " für Ingenieure", " in der Logistik", " im Tourismus"),
        *(" für Gründer", " in der Pflege", " im Handel", " in der Energiewirtschaft"),
        *(" für Juristen", " im Finanzwesen", " für Beamte", " in der Chemieindustrie"),
        *(" für Berater", " in der Kulturwirtschaft", " im Schulwesen", " in der Wasserwirtschaft"),
    ),
    "fr": (
        *("", "", "", ""),
        *(" dans la santé", " pour les PME", " dans l'industrie", " pour les enseignants"),
        *(" dans l'administration publique", " pour les managers", " dans l'agriculture"),
        *(" dans le bâtiment", " pour les ingénieurs", " dans la logistique", " dans le tourisme"),
        *(" pour les créateurs d'entreprise", " dans le commerce", " dans l'énergie"),
    ),
    "nl": (
        *("", "", "", ""),
        *(" in de zorg", " voor het mkb", " in de industrie", " voor docenten"),
        *(" bij de overheid", " voor managers", " in de landbouw", " in de bouw"),
        *(" voor ingenieurs", " in de logistiek", " in het toerisme", " voor starters"),
        *(" in de detailhandel", " in de energiesector", " voor hr-professionals"),
        *(" in het onderwijs", " voor verpleegkundigen", " in de havensector", " voor juristen"),
        *(" in de chemie", " voor ambtenaren", " in de financiële sector", " voor ontwerpers"),
        *(" in de cultuursector", " voor consultants", " in de watersector"),
    ),
    "es": (
        *("", "", "", ""),
        *(" en el sector sanitario", " para pymes", " en la industria", " para docentes"),
        *(" en la administración pública", " para directivos", " en la agricultura"),
        *(" en la construcción", " para ingenieros", " en la logística", " en el turismo"),
        *(" para emprendedores", " en el comercio", " en el sector energético"),
    ),
}
# focus; the first pair is the one-word swap of families
FOCUS: dict[str, tuple[str, ...]] = {
    "en": (
        " with Python",
        " with R",
        *("", "", "", "", "", "", "", ""),
        *(": Methods and Tools", ": Case Studies", ": Theory and Practice", " with Excel"),
        *(": Ethics and Regulation", ": Tools and Techniques", " in Practice", ": A Global View"),
    ),
    "de": (
        " mit Python",
        " mit R",
        *("", "", "", "", ""),
        *(": Methoden und Werkzeuge", ": Fallstudien", ": Theorie und Praxis", ": Recht und Ethik"),
    ),
    "fr": (
        " avec Python",
        " avec R",
        *("", "", "", "", ""),
        *(
            " : méthodes et outils",
            " : études de cas",
            " : théorie et pratique",
            " : droit et éthique",
        ),
    ),
    "nl": (
        " met Python",
        " met R",
        *("", "", "", "", ""),
        *(": methoden en tools", ": casestudies", ": theorie en praktijk", ": recht en ethiek"),
    ),
    "es": (
        " con Python",
        " con R",
        *("", "", "", "", ""),
        *(
            ": métodos y herramientas",
            ": casos prácticos",
            ": teoría y práctica",
            ": derecho y ética",
        ),
    ),
}
# topics composed as "<field> <aspect>" (English): "Energy Data Analytics", "Health Policy"
COMPOUND_FIELDS = ("Energy", "Health", "Water", "Food", "Transport", "Financial", "Tourism")
COMPOUND_FIELDS += ("Agricultural", "Construction", "Manufacturing", "Public Sector", "Media")
COMPOUND_FIELDS += ("Maritime", "Aviation", "Automotive", "Pharmaceutical", "Retail", "Insurance")
COMPOUND_FIELDS += ("Environmental", "Education")
COMPOUND_ASPECTS = (
    *(("0542", "Data Analytics"), ("0312", "Policy"), ("0421", "Law"), ("0311", "Economics")),
    *(("0414", "Marketing"), ("0612", "Cybersecurity"), ("0413", "Risk Management")),
    *(("0413", "Supply Chain Management"), ("0413", "Innovation"), ("0688", "Informatics")),
    *(("0413", "Quality Management"), ("0719", "Systems Engineering"), ("0413", "Logistics")),
    *(("0688", "Digital Transformation"), ("0411", "Sustainability Reporting")),
)
# a specialisation (field) after a non-English title: "Datenanalyse – Schwerpunkt Energie"
SPECIALISATIONS = {
    "de": (
        " – Schwerpunkt ",
        (
            "Energie",
            "Gesundheit",
            "Wasser",
            "Ernährung",
            "Verkehr",
            "Finanzen",
            "Tourismus",
            "Landwirtschaft",
            "Bau",
            "Produktion",
            "Öffentlicher Sektor",
            "Bildung",
        ),
    ),
    "fr": (
        " – option ",
        (
            "énergie",
            "santé",
            "eau",
            "alimentation",
            "transports",
            "finance",
            "tourisme",
            "agriculture",
            "bâtiment",
            "production",
            "secteur public",
            "éducation",
        ),
    ),
    "nl": (
        " – specialisatie ",
        (
            "energie",
            "zorg",
            "water",
            "voeding",
            "mobiliteit",
            "financiën",
            "toerisme",
            "landbouw",
            "bouw",
            "productie",
            "publieke sector",
            "onderwijs",
        ),
    ),
    "es": (
        " – mención en ",
        (
            "energía",
            "salud",
            "agua",
            "alimentación",
            "transporte",
            "finanzas",
            "turismo",
            "agricultura",
            "construcción",
            "producción",
            "sector público",
            "educación",
        ),
    ),
}
# series markers: kind 1 roman numerals, kind 2 parts; number 1 to 3
SERIES: dict[str, tuple[tuple[str, str, str], tuple[str, str, str]]] = {
    "en": ((" I", " II", " III"), (": Part 1", ": Part 2", ": Part 3")),
    "de": ((" I", " II", " III"), (" – Teil 1", " – Teil 2", " – Teil 3")),
    "fr": ((" I", " II", " III"), (" – partie 1", " – partie 2", " – partie 3")),
    "nl": ((" I", " II", " III"), (" deel 1", " deel 2", " deel 3")),
    "es": ((" I", " II", " III"), (" (parte 1)", " (parte 2)", " (parte 3)")),
}
ABBREVIATIONS = (
    ("Introduction to ", "Intro. "),
    ("Introduction to ", "Intro to "),
    ("Management", "Mgmt"),
    (" and ", " & "),
    ("Advanced ", "Adv. "),
    ("Professional Certificate in ", "Prof. Cert. "),
    ("Information", "Info."),
    ("Technology", "Tech."),
    ("Technologies", "Tech."),
    ("Foundations of ", "Fundamentals of "),
    ("Administration", "Admin."),
    ("Development", "Dev."),
    ("management", "mgmt"),
    (" und ", " & "),
    (" et ", " & "),
    (" en ", " & "),
    (" y ", " & "),
    ("Grundlagen", "Grundl."),
    ("Zertifikatskurs ", "Zert.-Kurs "),
    (" für Fortgeschrittene", " f. Fortgeschrittene"),
    ("Universität", "Univ."),
)
SUFFIXES = (
    " (MOOC)",
    " - online",
    ": micro-credential",
    " 2026",
    " (online)",
    " - Microcredential",
)
PATHS = {"en": "courses", "de": "kurse", "fr": "formations", "nl": "cursussen", "es": "cursos"}
OUTCOME_VERBS = ("Apply", "Analyse", "Design", "Evaluate", "Explain", "Implement", "Compare")
OUTCOME_VERBS += ("Communicate", "Assess", "Develop")
OUTCOME_PHRASES = ("the key methods of", "the main concepts of", "current tools for")
OUTCOME_PHRASES += ("ethical issues in", "practical solutions in", "quality criteria for")
OUTCOME_PHRASES += ("data-driven decisions in", "a small project in")
DESCRIPTIONS = {
    "en": ("A micro-credential on ", " for learners and professionals, with a final assessment."),
    "de": ("Ein Microcredential zum Thema ", " für Berufstätige, mit Abschlussprüfung."),
    "fr": ("Une micro-certification sur le thème ", " pour les professionnels, avec évaluation."),
    "nl": ("Een microcredential over ", " voor professionals, met een eindtoets."),
    "es": ("Una microcredencial sobre ", " para profesionales, con evaluación final."),
}
PARTICIPATION = ("online", "onsite", "blended")
PARTICIPATION_P = np.array([0.45, 0.35, 0.2])
PARTICIPATION_WORDS = (  # how feeds write each form (all known to the pipeline)
    ("online", "Online", "e-learning", "distance learning", "en ligne", "Fernstudium"),
    ("onsite", "on campus", "face-to-face", "in person", "Präsenz", "présentiel"),
    ("blended", "blended learning", "hybrid", "Hybride", "mixed mode", "semipresencial"),
)

# country: (title language besides English, erasmus prefix, top-level domain, cities)
_COUNTRY_TABLE = """
AT | de | A | at | Graz, Wien, Linz, Innsbruck, Salzburg, Klagenfurt, Leoben, Krems, Dornbirn, Steyr, Wels, Villach
BE | nl | B | be | Leuven, Gent, Antwerpen, Hasselt, Brugge, Kortrijk, Mechelen, Aalst, Genk, Oostende, Turnhout, Geel
DE | de | D | de | München, Berlin, Hamburg, Köln, Dresden, Stuttgart, Göttingen, Münster, Tübingen, Würzburg, Lübeck, Düsseldorf
ES | es | E | es | Valencia, Madrid, Sevilla, Bilbao, Granada, Málaga, Córdoba, Zaragoza, Salamanca, Alicante, Cádiz, León
FI | en | SF | fi | Helsinki, Tampere, Oulu, Turku, Jyväskylä, Kuopio, Lahti, Vaasa, Joensuu, Rovaniemi, Pori, Kotka
FR | fr | F | fr | Paris, Lyon, Lille, Grenoble, Toulouse, Nantes, Rennes, Bordeaux, Montpellier, Besançon, Orléans, Nîmes
IE | en | IRL | ie | Dublin, Cork, Galway, Limerick, Maynooth, Sligo, Athlone, Carlow, Tralee, Dundalk, Letterkenny, Waterford
IT | en | I | it | Milano, Bologna, Torino, Padova, Napoli, Firenze, Genova, Pisa, Trento, Bari, Perugia, Cagliari
NL | nl | NL | nl | Delft, Utrecht, Wageningen, Groningen, Eindhoven, Leiden, Nijmegen, Tilburg, Maastricht, Enschede, Zwolle, Breda
PL | en | PL | pl | Warszawa, Kraków, Wrocław, Gdańsk, Poznań, Łódź, Lublin, Katowice, Toruń, Szczecin, Białystok, Rzeszów
"""
COUNTRIES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    cc: (lang, erasmus, tld, tuple(c.strip() for c in cities.split(",")))
    for cc, lang, erasmus, tld, cities in (
        (cell.strip() for cell in row.split("|")) for row in _COUNTRY_TABLE.strip().split("\n")
    )
}
COUNTRY_CODES = tuple(COUNTRIES)
# university names: (own name, English alias, short alias) with {c} the city
NAME_TEMPLATES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "de": (
        ("Universität {c}", "University of {c}", "Uni {c}"),
        ("Technische Universität {c}", "{c} University of Technology", "TU {c}"),
        ("Hochschule {c}", "{c} University of Applied Sciences", "HS {c}"),
        ("Pädagogische Hochschule {c}", "{c} University of Teacher Education", "PH {c}"),
        ("Akademie für Weiterbildung {c}", "{c} Academy of Continuing Education", "AWB {c}"),
    ),
    "fr": (
        ("Université de {c}", "University of {c}", "Univ. {c}"),
        (
            "École nationale supérieure d'ingénieurs de {c}",
            "{c} National School of Engineering",
            "ENSI {c}",
        ),
        ("Institut polytechnique de {c}", "{c} Institute of Technology", "INP {c}"),
        ("École de management de {c}", "{c} School of Management", "EM {c}"),
        (
            "Conservatoire des arts et métiers de {c}",
            "{c} Conservatory of Arts and Crafts",
            "CNAM {c}",
        ),
    ),
    "nl": (
        ("Universiteit {c}", "University of {c}", "UNI-{c}"),
        ("Hogeschool {c}", "{c} University of Applied Sciences", "HS-{c}"),
        ("Technische Universiteit {c}", "{c} University of Technology", "TU {c}"),
        ("Hogeschool voor de Kunsten {c}", "{c} School of the Arts", "HKU {c}"),
        ("Academie voor Bijscholing {c}", "{c} Academy of Continuing Education", "ACB {c}"),
    ),
    "es": (
        ("Universidad de {c}", "University of {c}", "U. {c}"),
        ("Universitat Politècnica de {c}", "Polytechnic University of {c}", "UP {c}"),
        ("Escuela de Negocios de {c}", "{c} Business School", "EN {c}"),
        ("Universidad Abierta de {c}", "Open University of {c}", "UA {c}"),
        ("Instituto Tecnológico de {c}", "{c} Institute of Technology", "ITEC {c}"),
    ),
    "en": (
        ("University of {c}", "{c} University", "U{c}"),
        ("{c} Institute of Technology", "{c} Tech", "IT {c}"),
        ("Technological University of {c}", "{c} Technological University", "TU {c}"),
        ("{c} Business School", "{c} School of Business", "{c} BS"),
        ("{c} College of Continuing Education", "{c} Continuing Education College", "{c} CCE"),
    ),
}
COUNTRY_NAMES = {
    "AT": "Österreich",
    "BE": "Vlaanderen",
    "DE": "Deutschland",
    "ES": "España",
    "FI": "Suomi",
    "FR": "France",
    "IE": "Ireland",
    "IT": "Italia",
    "NL": "Nederland",
    "PL": "Polska",
}
MOOC_NAMES = (
    "EduMOOC Europe",
    "OpenCampus Online",
    "LearnHub Academy",
    "MOOCademy",
    "Coursewise",
    "Skillbridge Learning",
    "UniversityX Online",
    "CampusNet MOOCs",
    "Open Learning Commons",
    "KnowledgeWave",
)


def _arr(values) -> np.ndarray:
    """An object array (so that + concatenates strings and None survives)."""
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ł", "l"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("Ł", "L")


def _typos(text: str, rng: np.random.Generator, count: int = 3) -> list[str]:
    """`count` misspellings of `text`: one substitution, deletion or transposition inside a
    word of at least 6 letters (not its first letter); `text` itself when it has no such word."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long:
        return [text] * count
    out = []
    for k in range(count):
        i = long[int(rng.integers(0, len(long)))]
        w = words[i]
        p = int(rng.integers(1, len(w) - 1))
        kind = k % 3
        if kind == 0:
            letters = "aeioutnrsl"
            c = letters[int(rng.integers(0, len(letters)))]
            c = c if c != w[p].lower() else "x"
            new = w[:p] + c + w[p + 1 :]
        elif kind == 1:
            new = w[:p] + w[p + 1 :]
        else:
            new = w[:p] + w[p + 1] + w[p] + w[p + 2 :] if w[p] != w[p + 1] else w[:p] + w[p + 1 :]
        out.append(" ".join([*words[:i], new, *words[i + 1 :]]))
    return out


def _abbreviate(text: str) -> str:
    for long, short in ABBREVIATIONS:
        if long in text:
            return text.replace(long, short, 1)
    return text


class Component:
    """One part of a title (level, adjective, topic, ...) in every language, flattened: a
    cluster holds a global index; `variants[:, 0]` is the canonical text, 1 its abbreviation,
    2-4 misspellings."""

    def __init__(self, per_language: dict[str, list[str]], rng: np.random.Generator) -> None:
        self.offset = {}
        self.count = {}
        texts: list[str] = []
        for lang in LANGS:
            values = per_language.get(lang) or per_language["en"]
            self.offset[lang] = len(texts)
            self.count[lang] = len(values)
            texts += values
        self.texts = _arr(texts)
        rows = [[t, _abbreviate(t), *_typos(t, rng)] for t in texts]
        self.variants = np.array(rows, dtype=object)

    def sample(self, lang: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        out = np.zeros(len(lang), dtype=np.int64)
        for code in LANGS:
            mask = lang == code
            out[mask] = self.offset[code] + rng.integers(0, self.count[code], int(mask.sum()))
        return out


# ---------------------------------------------------------------- providers and sources


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in _ascii(text).lower()).split())


def _universities(n: int, rng: np.random.Generator) -> list[dict]:
    """`n` universities (at most 600 distinct), countries interleaved, with unique aliases."""
    per_country = []
    for cc, (lang, _, _, cities) in COUNTRIES.items():
        templates = NAME_TEMPLATES[lang if lang in NAME_TEMPLATES else "en"]
        entries = [(cc, city, t, templates[t]) for city in cities for t in range(len(templates))]
        order = rng.permutation(len(entries))
        per_country.append([entries[i] for i in order])
    picked = []
    for k in range(max(len(e) for e in per_country)):
        for entries in per_country:
            if k < len(entries):
                picked.append(entries[k])
    picked = picked[: min(n, len(picked))]
    used: set[str] = set()
    out = []
    for cc, city, t, (own, english, short) in picked:
        _, erasmus, tld, _ = COUNTRIES[cc]
        name = own.format(c=city)
        aliases = [a.format(c=city) for a in (english, short)]
        aliases = [a for a in dict.fromkeys(aliases) if a != name and _fold(a) not in used]
        schac = f"{_slug(short.format(c=city))}.{tld}"
        erasmus_code = f"{erasmus:<3}{_ascii(city).upper().replace(' ', '')[:8]}{t + 1:02d}"
        used.update(_fold(k) for k in (name, *aliases, schac, erasmus_code))
        out.append(
            {
                "id": f"u-{cc.lower()}-{_slug(city)}-{t + 1}",
                "name": name,
                "country": cc,
                "aliases": aliases,
                "identifiers": {"schac": schac, "erasmus": erasmus_code},
                "trusted": bool(rng.random() < 0.85),
            }
        )
    for p in out:  # misspellings must not name another provider
        variants = [v for v in _typos(p["name"], rng, 6) if _fold(v) not in used]
        p["_typos"] = (variants or [p["name"]])[:3]
    return out


def _fold(text: str) -> str:
    return " ".join(_ascii(text.casefold()).split())


def _layout(sources: int) -> tuple[int, int, int]:
    """Numbers of aggregator, MOOC and own feeds for `sources` feeds."""
    n_agg = max(2, round(sources * 0.1))
    n_mooc = max(2, round(sources * 0.04))
    return n_agg, n_mooc, max(1, sources - n_agg - n_mooc)


def build_registry(sources: int, rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    """Providers and source descriptions (id, kind, provider index, format, countries)."""
    n_agg, n_mooc, n_own = _layout(sources)
    universities = _universities(max(1, round(n_own * 1.2)), rng)
    providers = list(universities)
    feeds: list[dict] = []
    for k in range(n_own):
        p = k % len(universities)
        fmt = ("csv",) * 12 + ("json",) * 5 + ("xml",) * 3
        feeds.append(
            {
                "id": f"own-{k:04d}-{universities[p]['id'][2:]}"[:60].rstrip("-"),
                "kind": "own",
                "provider": p,
                "format": fmt[k % len(fmt)],
            }
        )
    # aggregators: the first is European, the others national (in rotation over countries)
    for k in range(n_agg):
        if k == 0:
            provider = {
                "id": "agg-eu",
                "name": "European Micro-credential Gateway",
                "country": "BE",
                "aliases": ["EMCG", "EU Microcredentials Gateway"],
                "trusted": False,
            }
            countries = list(COUNTRY_CODES)
            fmt = "csv"
        else:
            cc = COUNTRY_CODES[(k - 1) % len(COUNTRY_CODES)]
            region = (k - 1) // len(COUNTRY_CODES)
            base = f"Microcredential Register {COUNTRY_NAMES[cc]}"
            name = base if region == 0 else f"{base} {COUNTRIES[cc][3][region % 12]}"
            provider = {
                "id": f"agg-{cc.lower()}-{region + 1}",
                "name": name,
                "country": cc,
                "aliases": [f"MCR-{cc}{'' if region == 0 else region + 1}"],
                "trusted": False,
            }
            countries = [cc]
            fmt = ("csv", "csv", "json", "xml")[(k - 1) % 4]
        providers.append(provider)
        feeds.append(
            {
                "id": f"{provider['id']}-{fmt}",
                "kind": "aggregator",
                "provider": len(providers) - 1,
                "format": fmt,
                "countries": countries,
            }
        )
    for k in range(n_mooc):
        base = MOOC_NAMES[k % len(MOOC_NAMES)]
        name = base if k < len(MOOC_NAMES) else f"{base} {k // len(MOOC_NAMES) + 1}"
        providers.append(
            {
                "id": f"mooc-{_slug(name)}",
                "name": name,
                "country": COUNTRY_CODES[(k * 3) % len(COUNTRY_CODES)],
                "aliases": [name.replace(" ", "")],
                "trusted": False,
            }
        )
        fmt = ("json", "xml")[k % 2]
        feeds.append(
            {
                "id": f"mooc-{_slug(name)}-{fmt}",
                "kind": "mooc",
                "provider": len(providers) - 1,
                "format": fmt,
                "domain": f"www.{_slug(name).replace('-', '')}.example.org",
            }
        )
    return providers, feeds


# ---------------------------------------------------------------- clusters


class Clusters:
    """The true micro-credentials, column-wise (indices into vocabularies and providers)."""

    def __init__(self, **columns: np.ndarray) -> None:
        self.columns = columns

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["columns"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def __len__(self) -> int:
        return len(self.columns["provider"])

    def take(self, index: np.ndarray) -> Clusters:
        return Clusters(**{k: v[index] for k, v in self.columns.items()})

    @staticmethod
    def concat(parts: list[Clusters]) -> Clusters:
        return Clusters(
            **{k: np.concatenate([p.columns[k] for p in parts]) for k in parts[0].columns}
        )


class Vocabulary:
    def __init__(self, rng: np.random.Generator) -> None:
        topics = {lang: [row[1 + i] for row in TOPICS] for i, lang in enumerate(LANGS)}
        compounds = [(c, f"{f} {a}") for c, a in COMPOUND_ASPECTS for f in COMPOUND_FIELDS]
        topics["en"] = topics["en"] + [t for _, t in EN_TOPICS] + [t for _, t in compounds]
        self.topic_isced = {
            lang: [row[0] for row in TOPICS]
            + ([c for c, _ in EN_TOPICS] + [c for c, _ in compounds] if lang == "en" else [])
            for lang in LANGS
        }
        self.level = Component({k: [a for a, _ in v] for k, v in LEVELS.items()}, rng)
        self.post = Component({k: [b for _, b in v] for k, v in LEVELS.items()}, rng)
        self.adjective = Component({"en": list(ADJECTIVES), **{k: [""] for k in LANGS[1:]}}, rng)
        self.topic = Component(topics, rng)
        self.context = Component({k: list(v) for k, v in CONTEXTS.items()}, rng)
        focus = {k: list(v) for k, v in FOCUS.items()}
        for lang, (lead, fields) in SPECIALISATIONS.items():
            focus[lang] += [lead + f for f in fields]
        self.focus = Component(focus, rng)
        series = {k: ["", *v[0], *v[1]] for k, v in SERIES.items()}
        self.series = Component(series, rng)
        self.isced = _arr(c for lang in LANGS for c in self.topic_isced[lang])
        self.topic_lower = _arr(t.lower() for t in self.topic.texts)
        self.programming = np.isin(self.isced.astype(str), PROGRAMMING_FIELDS)


def _lang_of_provider(providers: list[dict]) -> np.ndarray:
    return _arr(COUNTRIES[p["country"]][0] for p in providers)


def make_clusters(
    n_clusters: int, universities: list[dict], voc: Vocabulary, rng: np.random.Generator
) -> Clusters:
    """Base clusters, then families of hard non-duplicates appended (siblings of seeds)."""
    n_seeds = int(n_clusters * FAMILY_SEED_SHARE)
    n_base = n_clusters - int(n_seeds * 1.15)
    weights = rng.lognormal(0, 0.8, len(universities))
    provider = rng.choice(len(universities), n_base, p=weights / weights.sum())
    local = _lang_of_provider(universities)[provider]
    lang = np.where(rng.random(n_base) < 0.35, local, "en").astype(object)
    base = Clusters(
        provider=provider,
        lang=lang,
        level=voc.level.sample(lang, rng),
        adjective=voc.adjective.sample(lang, rng),
        topic=voc.topic.sample(lang, rng),
        context=voc.context.sample(lang, rng),
        focus=voc.focus.sample(lang, rng),
        series=np.array([voc.series.offset[x] for x in lang], dtype=np.int64),
        ects=rng.choice(ECTS_VALUES, n_base).astype(float),
        eqf=rng.choice(EQF_LEVELS, n_base, p=EQF_P),
        participation=rng.choice(3, n_base, p=PARTICIPATION_P),
        start=np.where(rng.random(n_base) < 0.85, rng.integers(0, 400, n_base), -1),
        second_language=rng.random(n_base) < 0.25,
        family=np.full(n_base, -1, dtype=np.int64),
        family_kind=np.full(n_base, -1, dtype=np.int64),
    )
    # the level of a cluster sets its "post" part too (the same tuple of LEVELS)
    base.columns["post"] = base.level.copy()
    _plausible_tools(base, voc)
    seeds = base.take(np.arange(n_seeds))
    kind = rng.choice(len(FAMILY_KINDS), n_seeds, p=FAMILY_KIND_P)
    seeds.columns["family"] = np.arange(n_seeds)
    seeds.columns["family_kind"] = kind
    siblings = [seeds.take(np.arange(n_seeds))]
    sib = siblings[0]
    _family_other_provider(seeds, sib, kind == 0, universities, rng)
    third = _family_series(seeds, sib, kind == 1, voc, rng)
    _family_ects(seeds, sib, kind == 2, rng)
    _family_one_word(seeds, sib, kind == 3, voc, rng)
    if third is not None:
        siblings.append(third)
    rest = base.take(np.arange(n_seeds, n_base))
    clusters = Clusters.concat([seeds, *siblings, rest])
    _unique_titles(clusters, voc, rng)
    return clusters


def _plausible_tools(c: Clusters, voc: Vocabulary) -> None:
    """ "Python for X" and "X with R" only where X is programmed."""
    plain = ~voc.programming[c.topic]
    en = voc.level.offset["en"]
    tool = plain & np.isin(c.level - en, PROGRAMMING_LEVELS) & (c.lang == "en")
    c.columns["level"][tool] = c.columns["post"][tool] = en + len(LEVELS["en"]) - 1
    offset = np.array([voc.focus.offset[x] for x in LANGS])[_lang_index(c.lang)]
    tool = plain & (c.focus - offset < 2)
    c.columns["focus"][tool] = offset[tool] + 2


def _lang_index(lang: np.ndarray) -> np.ndarray:
    return pd.Series(lang).map({x: i for i, x in enumerate(LANGS)}).to_numpy()


def canonical_titles(c: Clusters, voc: Vocabulary) -> np.ndarray:
    """The title each cluster has in its provider's own feed."""
    return (
        voc.level.texts[c.level]
        + voc.adjective.texts[c.adjective]
        + voc.topic.texts[c.topic]
        + voc.context.texts[c.context]
        + voc.post.texts[c.post]
        + voc.focus.texts[c.focus]
        + voc.series.texts[c.series]
    )


def _unique_titles(c: Clusters, voc: Vocabulary, rng: np.random.Generator) -> None:
    """Titles are shared only within families (same title at another provider, another ECTS
    volume): a cluster outside families (they come first) whose title is taken gets another."""
    titles = pd.Series(canonical_titles(c, voc)).str.casefold().to_numpy(dtype=object)
    for _ in range(100):
        dup = pd.Series(titles, dtype=object).duplicated().to_numpy() & (c.family < 0)
        if not dup.any():
            return
        lang = c.lang[dup]
        for part in ("adjective", "topic", "context", "focus"):
            c.columns[part][dup] = getattr(voc, part).sample(lang, rng)
        _plausible_tools(c, voc)
        changed = pd.Series(canonical_titles(c.take(np.flatnonzero(dup)), voc)).str.casefold()
        titles[dup] = changed.to_numpy(dtype=object)
    raise RuntimeError("could not give every cluster its own title: too few titles")


def _family_other_provider(
    seeds: Clusters,
    sib: Clusters,
    mask: np.ndarray,
    universities: list[dict],
    rng: np.random.Generator,
) -> None:
    """Same title at another university (of the same country when there is one)."""
    country = np.array([u["country"] for u in universities])
    idx = np.flatnonzero(mask)
    for cc in np.unique(country[seeds.provider[idx]]):
        pool = np.flatnonzero(country == cc)
        rows = idx[country[seeds.provider[idx]] == cc]
        if len(pool) < 2:
            pool = np.arange(len(universities))
        pos = np.searchsorted(pool, seeds.provider[rows])
        pos = np.where(pool[np.minimum(pos, len(pool) - 1)] == seeds.provider[rows], pos, 0)
        shift = rng.integers(1, len(pool), len(rows))
        sib.columns["provider"][rows] = pool[(pos + shift) % len(pool)]
    n = len(idx)
    sib.columns["ects"][idx] = rng.choice(ECTS_VALUES, n)
    sib.columns["start"][idx] = np.where(rng.random(n) < 0.85, rng.integers(0, 400, n), -1)


def _family_series(
    seeds: Clusters, sib: Clusters, mask: np.ndarray, voc: Vocabulary, rng: np.random.Generator
) -> Clusters | None:
    """ "X I" / "X II" (/ "X III"), or parts 1 / 2 (/ 3): same provider, ECTS and EQF level."""
    idx = np.flatnonzero(mask)
    kind = rng.integers(0, 2, len(idx))
    offset = np.array([voc.series.offset[x] for x in seeds.lang[idx]])
    first = offset + 1 + 3 * kind
    for c in (seeds, sib):
        c.columns["focus"][idx] = np.array([voc.focus.offset[x] + 2 for x in seeds.lang[idx]])
    seeds.columns["series"][idx] = first
    sib.columns["series"][idx] = first + 1
    triple = idx[rng.random(len(idx)) < 0.3]
    if not len(triple):
        return None
    third = sib.take(triple)
    third.columns["series"] = third.series + 1
    third.columns["start"] = np.where(third.start >= 0, third.start + 60, -1)
    sib.columns["start"][idx] = np.where(seeds.start[idx] >= 0, seeds.start[idx] + 30, -1)
    return third


def _family_ects(
    seeds: Clusters, sib: Clusters, mask: np.ndarray, rng: np.random.Generator
) -> None:
    """Same title and provider, another ECTS volume (5 vs 10)."""
    idx = np.flatnonzero(mask)
    pair = ECTS_PAIRS[rng.integers(0, len(ECTS_PAIRS), len(idx))]
    swap = rng.random(len(idx)) < 0.5
    seeds.columns["ects"][idx] = np.where(swap, pair[:, 1], pair[:, 0])
    sib.columns["ects"][idx] = np.where(swap, pair[:, 0], pair[:, 1])


def _family_one_word(
    seeds: Clusters, sib: Clusters, mask: np.ndarray, voc: Vocabulary, rng: np.random.Generator
) -> None:
    """Titles one meaningful word apart: Introduction to / Advanced, Python / R for, with
    Python / with R. Same provider; same ECTS half of the time."""
    idx = np.flatnonzero(mask)
    programming = voc.programming[seeds.topic[idx]]
    by_focus = (rng.random(len(idx)) < 0.5) & programming
    for lang in LANGS:
        rows = idx[(seeds.lang[idx] == lang) & ~by_focus]
        swaps = np.array(LEVEL_SWAPS[lang])
        pick = swaps[rng.integers(0, len(swaps), len(rows))]
        if lang == "en":
            tool = (pick[:, 0] == PROGRAMMING_LEVELS[0]) & ~voc.programming[seeds.topic[rows]]
            pick[tool] = swaps[0]
        for c, col in ((seeds, 0), (sib, 1)):
            c.columns["level"][rows] = voc.level.offset[lang] + pick[:, col]
            c.columns["post"][rows] = voc.post.offset[lang] + pick[:, col]
        rows = idx[(seeds.lang[idx] == lang) & by_focus]
        seeds.columns["focus"][rows] = voc.focus.offset[lang]
        sib.columns["focus"][rows] = voc.focus.offset[lang] + 1
    other = idx[rng.random(len(idx)) < 0.5]
    sib.columns["ects"][other] = rng.choice(ECTS_VALUES, len(other))


# ---------------------------------------------------------------- copies in sources


def place_copies(
    clusters: Clusters, universities: list[dict], feeds: list[dict], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(cluster, source) of every record: each cluster in 1 to 4 distinct sources, the first
    being the university's own feed when it has one."""
    n = len(clusters)
    own_of: dict[int, list[int]] = {}
    national: dict[str, list[int]] = {}
    moocs = []
    for s, f in enumerate(feeds):
        if f["kind"] == "own":
            own_of.setdefault(f["provider"], []).append(s)
        elif f["kind"] == "aggregator" and len(f["countries"]) == 1:
            national.setdefault(f["countries"][0], []).append(s)
        elif f["kind"] == "mooc":
            moocs.append(s)
    european = next(s for s, f in enumerate(feeds) if f["kind"] == "aggregator")
    n_univ = len(universities)
    own_table = np.full((n_univ, max(len(v) for v in own_of.values())), -1)
    for p, ss in own_of.items():
        own_table[p, : len(ss)] = ss
    own_count = np.array([len(own_of.get(p, [])) for p in range(n_univ)])
    country = np.array([COUNTRY_CODES.index(u["country"]) for u in universities])
    nat_table = np.full((len(COUNTRY_CODES), max([len(v) for v in national.values()] or [1])), -1)
    for cc, ss in national.items():
        nat_table[COUNTRY_CODES.index(cc), : len(ss)] = ss
    nat_count = (nat_table >= 0).sum(axis=1)

    p = clusters.provider
    cand = np.full((n, 7), -1, dtype=np.int64)
    has_own = own_count[p] > 0
    cand[has_own, 0] = own_table[
        p[has_own], rng.integers(0, 1 << 30, has_own.sum()) % own_count[p[has_own]]
    ]
    c = country[p]
    has_nat = nat_count[c] > 0
    first_nat = rng.integers(0, 1 << 30, n) % np.maximum(nat_count[c], 1)
    cand[has_nat, 1] = nat_table[c[has_nat], first_nat[has_nat]]
    has_two = nat_count[c] > 1  # a second (regional) register of the same country
    second_nat = first_nat + 1 + rng.integers(0, 1 << 30, n) % np.maximum(nat_count[c] - 1, 1)
    cand[has_two, 2] = nat_table[c[has_two], second_nat[has_two] % nat_count[c[has_two]]]
    cand[:, 3] = european
    moocs_arr = np.array(moocs)
    m = rng.permuted(np.tile(np.arange(len(moocs_arr)), (n, 1)), axis=1)[:, :3]
    cand[:, 4 : 4 + m.shape[1]] = moocs_arr[m]
    cand[clusters.participation == 1, 4:] = -1  # MOOC platforms list online and blended only
    # order of preference: own feed, then national, European, MOOCs at random
    priority = np.column_stack(
        [
            np.zeros(n),
            rng.uniform(1, 3, n),
            rng.uniform(2, 5, n),
            rng.uniform(1.5, 4, n),
            rng.uniform(2, 5, (n, 3)),
        ]
    )
    priority[cand < 0] = np.inf
    order = np.argsort(priority, axis=1, kind="stable")
    ranked = np.take_along_axis(cand, order, axis=1)
    valid = (ranked >= 0).sum(axis=1)
    k = np.minimum(rng.choice(4, n, p=COPIES_P) + 1, valid)
    take = np.arange(cand.shape[1])[None, :] < k[:, None]
    cluster_of = np.repeat(np.arange(n), k)
    return cluster_of, ranked[take]


# ---------------------------------------------------------------- records


def _pick(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    return rng.random(n) < share


def _apply(values: pa.Array, mask: np.ndarray, fn: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """`fn` on the masked elements of a string array, the others unchanged."""
    if not mask.any():
        return values
    changed = fn(values)
    return pc.if_else(pa.array(mask), changed, values)


def make_titles(
    clusters: Clusters,
    cluster_of: np.ndarray,
    noisy: np.ndarray,
    kind: np.ndarray,
    voc: Vocabulary,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Titles of every record (canonical for the first copy), and the canonical titles."""
    n = len(cluster_of)
    canonical = canonical_titles(clusters, voc)
    abbreviate = noisy & _pick(rng, n, 0.3)
    typo = np.where(noisy & _pick(rng, n, 0.18), rng.integers(1, 3, n), 0)  # 1 topic, 2 context
    typo_column = rng.integers(2, 5, n)
    parts = []
    for comp, name in (
        (voc.level, "level"),
        (voc.adjective, "adjective"),
        (voc.topic, "topic"),
        (voc.context, "context"),
        (voc.post, "post"),
        (voc.focus, "focus"),
        (voc.series, "series"),
    ):
        column = np.where(abbreviate, 1, 0)
        if name == "topic":
            column = np.where(typo == 1, typo_column, column)
        elif name == "context":
            column = np.where(typo == 2, typo_column, column)
        parts.append(comp.variants[clusters.columns[name][cluster_of], column])
    titles = parts[0]
    for part in parts[1:]:
        titles = titles + part
    # a context with no long word cannot take the typo: put it on the topic instead
    same = titles == canonical[cluster_of]
    retry = same & (typo == 2)
    if retry.any():
        parts[2][retry] = voc.topic.variants[clusters.topic[cluster_of[retry]], typo_column[retry]]
        titles = parts[0]
        for part in parts[1:]:
            titles = titles + part

    t = pa.array(titles, type=pa.string())
    mooc = kind == "mooc"
    suffix = noisy & _pick(rng, n, 0.18)
    suffix_text = _arr(SUFFIXES)[rng.integers(0, len(SUFFIXES), n)]
    suffix_text[mooc & _pick(rng, n, 0.6)] = " (MOOC)"
    t = pc.binary_join_element_wise(t, pa.array(np.where(suffix, suffix_text, ""), pa.string()), "")
    t = _apply(t, noisy & _pick(rng, n, 0.3), lambda a: pc.replace_substring(a, ": ", " - "))
    t = _apply(t, noisy & _pick(rng, n, 0.3), lambda a: pc.replace_substring(a, "-", " "))
    t = _apply(t, noisy & _pick(rng, n, 0.05), lambda a: pc.binary_join_element_wise(a, ".", ""))
    case = np.where(noisy, rng.choice(4, n, p=[0.78, 0.1, 0.04, 0.08]), 0)
    t = _apply(t, case == 1, pc.utf8_lower)
    t = _apply(t, case == 2, pc.utf8_upper)
    t = _apply(t, case == 3, pc.utf8_title)
    t = _apply(
        t,
        noisy & _pick(rng, n, 0.35),
        lambda a: pc.replace_substring_regex(pc.utf8_normalize(a, "NFD"), r"\p{Mn}", ""),
    )
    t = _apply(
        t,
        noisy & _pick(rng, n, 0.03),
        lambda a: pc.replace_substring(a, "e", "é", max_replacements=1),
    )
    t = _apply(
        t,
        noisy & _pick(rng, n, 0.06),
        lambda a: pc.replace_substring(a, " ", "  ", max_replacements=1),
    )
    t = _apply(
        t, noisy & _pick(rng, n, 0.04), lambda a: pc.binary_join_element_wise(" ", a, " ", "")
    )
    return np.asarray(t.to_numpy(zero_copy_only=False), dtype=object), canonical


def _name_variants(universities: list[dict]) -> dict[str, np.ndarray]:
    """Per university: its name, aliases, identifiers and misspellings (padded with the name)."""

    def table(key: Callable[[dict], list[str]], width: int) -> np.ndarray:
        rows = []
        for u in universities:
            values = [v for v in key(u) if v] or [u["name"]]
            rows.append([values[i % len(values)] for i in range(width)])
        return np.array(rows, dtype=object)

    return {
        "name": _arr(u["name"] for u in universities),
        "alias": table(lambda u: u["aliases"], 2),
        "identifier": table(lambda u: list(u["identifiers"].values()), 2),
        "typo": table(lambda u: u["_typos"], 3),
    }


def _choose_names(
    variants: dict[str, np.ndarray],
    provider: np.ndarray,
    shares: list[float],
    rng: np.random.Generator,
) -> np.ndarray:
    """Name, alias, identifier or misspelled name of each record's university by `shares`."""
    n = len(provider)
    which = rng.choice(4, n, p=shares)
    out = variants["name"][provider].copy()
    for code, key in ((1, "alias"), (2, "identifier"), (3, "typo")):
        rows = which == code
        table = variants[key]
        out[rows] = table[provider[rows], rng.integers(0, table.shape[1], int(rows.sum()))]
    return out


def make_records(
    clusters: Clusters,
    cluster_of: np.ndarray,
    source_of: np.ndarray,
    universities: list[dict],
    feeds: list[dict],
    voc: Vocabulary,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every record's field values (canonical names, text), and the canonical titles."""
    n = len(cluster_of)
    kinds = np.array([f["kind"] for f in feeds])
    kind = kinds[source_of]
    first = np.ones(n, dtype=bool)
    first[1:] = cluster_of[1:] != cluster_of[:-1]
    copy = ~first
    noisy = (copy | (kind != "own")) & ~_pick(rng, n, 0.2)
    title, canonical = make_titles(clusters, cluster_of, noisy, kind, voc, rng)
    c = clusters.take(cluster_of)
    p = c.provider
    names = _name_variants(universities)
    agg = kind == "aggregator"
    mooc = kind == "mooc"
    provider_name = np.full(n, None, dtype=object)
    provider_name[agg] = _choose_names(names, p[agg], [0.4, 0.25, 0.2, 0.15], rng)
    awarding = np.full(n, None, dtype=object)
    awarding[mooc] = _choose_names(names, p[mooc], [0.6, 0.3, 0.0, 0.1], rng)
    country = _arr(u["country"] for u in universities)[p]

    lost = copy | (kind != "own")  # copies elsewhere than the own feed may lack fields
    ects = np.where(lost & _pick(rng, n, 0.15), np.nan, c.ects)
    eqf = np.where(lost & _pick(rng, n, 0.2), 0, c.eqf)
    start = np.where(lost & _pick(rng, n, 0.15), -1, c.start)
    start_text = np.datetime_as_string(BASE_DATE + np.maximum(start, 0).astype("timedelta64[D]"))
    start_text = np.where(start >= 0, start_text.astype(object), None)

    # participation: MOOC copies are online; feeds word the form differently
    form = np.where(mooc, 0, c.participation)
    words = np.array(PARTICIPATION_WORDS, dtype=object)
    wording = np.where(_pick(rng, n, 0.5), 0, rng.integers(0, words.shape[1], n))
    participation = words[form, wording]

    # URL of the offering at the university, in variants; MOOC copies mostly the platform page
    host = _arr(u["identifiers"]["schac"] for u in universities)[p]
    slug = pa.array(canonical[cluster_of], pa.string())
    slug = pc.replace_substring_regex(pc.utf8_normalize(slug, "NFD"), r"\p{Mn}", "")
    slug = pc.replace_substring_regex(pc.utf8_lower(slug), r"[^a-z0-9]+", "-")
    slug = np.asarray(pc.utf8_trim(slug, "-").to_numpy(zero_copy_only=False), dtype=object)
    lang_index = _lang_index(c.lang)
    path = _arr(PATHS[x] for x in LANGS)[lang_index]
    # the page's course number: random, not the label
    course_no = rng.permutation(len(clusters)) + 1_000_000
    cid = _arr(np.char.mod("%d", course_no[cluster_of]))
    variant = np.where(lost, rng.choice(6, n, p=[0.5, 0.1, 0.1, 0.1, 0.12, 0.08]), 0)
    scheme = np.where(variant == 1, "http://", "https://").astype(object)
    www = np.where(variant == 2, "", "www.").astype(object)
    slash = np.where(variant == 3, "/", "").astype(object)
    utm = np.where(variant == 4, "?utm_source=catalogue&utm_medium=feed&utm_campaign=mc2026", "")
    url = scheme + www + host + "/" + path + "/" + slug + "-" + cid + slash + utm.astype(object)
    domains = _arr(f.get("domain", "") for f in feeds)[source_of]
    platform = mooc & _pick(rng, n, 0.7)
    platform_no = _arr(np.char.mod("%d", rng.integers(10**7, 10**8, int(platform.sum()))))
    url[platform] = "https://" + domains[platform] + "/courses/course-v1:" + platform_no + "/"
    url[variant == 5] = None

    topic_lower = voc.topic_lower[c.topic]
    lead = _arr(DESCRIPTIONS[x][0] for x in LANGS)[lang_index]
    tail = _arr(DESCRIPTIONS[x][1] for x in LANGS)[lang_index]
    description = lead + voc.topic.texts[c.topic] + tail
    description[agg & _pick(rng, n, 0.1)] = None
    n_out = rng.integers(1, 4, len(clusters))[cluster_of]
    verbs, phrases = _arr(v + " " for v in OUTCOME_VERBS), _arr(p + " " for p in OUTCOME_PHRASES)
    outcomes = []
    for k in range(3):
        vi = (cluster_of * 7 + k * 3) % len(verbs)
        pi = (cluster_of * 5 + k) % len(phrases)
        text = verbs[vi] + phrases[pi] + topic_lower
        outcomes.append(np.where(n_out > k, text, None))
    no_outcomes = agg & _pick(rng, n, 0.3)
    for o in outcomes:
        o[no_outcomes] = None
    local = _arr(COUNTRIES[cc][0] for cc in country)
    second = np.where(c.lang == "en", local, "en")
    lang2 = np.where(c.second_language & (second != c.lang), second, None)

    text = {
        "title": title,
        "title_language": c.lang,
        "description": description,
        "provider_name": provider_name,
        "provider_country": np.where(agg, country, None),
        "awarding_body_name": awarding,
        "awarding_body_country": np.where(mooc, country, None),
        "isced": voc.isced[c.topic],
        "participation": participation,
        "lang1": c.lang,
        "lang2": lang2,
        "url": url,
        "start": start_text,
        "outcome1": outcomes[0],
        "outcome2": outcomes[1],
        "outcome3": outcomes[2],
    }
    # object columns: pandas' string dtype would copy every text into Arrow and back
    columns = {k: pd.Series(v, dtype=object) for k, v in text.items()}
    numbers = {"cluster": cluster_of, "source": source_of, "ects": ects, "eqf": eqf}
    frame = pd.DataFrame({**numbers, "kind": pd.Series(kind, dtype=object), **columns})
    return frame, canonical


# ---------------------------------------------------------------- writers


def _text(values: np.ndarray | pd.Series) -> pa.Array:
    return pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)


def _py(values: pd.Series) -> list:
    """Python values, None for missing (pandas' string columns hold NaN)."""
    return values.astype(object).where(values.notna(), None).tolist()


def _ects_text(ects: pd.Series, unit: str = "") -> pa.Array:
    text = pc.cast(pa.array(ects.to_numpy(), pa.float64(), from_pandas=True), pa.string())
    text = pc.replace_substring_regex(text, r"\.0$", "")
    return pc.binary_join_element_wise(text, unit, "") if unit else text


def _eqf_text(eqf: pd.Series, prefix: str = "") -> pa.Array:
    values = pa.array(eqf.to_numpy(), pa.int64(), mask=eqf.to_numpy() == 0)
    text = pc.cast(values, pa.string())
    return pc.binary_join_element_wise(prefix, text, "") if prefix else text


def _joined(frame: pd.DataFrame, columns: list[str], separator: str) -> pa.Array:
    """The columns' values joined by `separator`, nulls skipped; null when all are null."""
    arrays = [_text(frame[c]) for c in columns]
    # (a row where every input is null is dropped by "skip" in some pyarrow versions)
    first = arrays[0]
    arrays[0] = pc.fill_null(first, "")
    joined = pc.binary_join_element_wise(*arrays, separator, null_handling="skip")
    joined = pc.utf8_ltrim(joined, separator) if len(separator) == 1 else joined
    return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)


def _start_dmy(start: pd.Series) -> pa.Array:
    text = _text(start)
    return pc.replace_substring_regex(text, r"^(\d{4})-(\d{2})-(\d{2})$", r"\3.\2.\1")


def _write_csv(frame: pd.DataFrame, ids: np.ndarray, kind: str, path: Path) -> dict:
    if kind == "aggregator":  # a register: ';', German-style dates, "5 ECTS", "EQF 6"
        columns = {
            "registration_no": _text(ids),
            "course_title": _text(frame["title"]),
            "provider": _text(frame["provider_name"]),
            "provider_country": _text(frame["provider_country"]),
            "title_lang": _text(frame["title_language"]),
            "summary": _text(frame["description"]),
            "link": _text(frame["url"]),
            "credits": _ects_text(frame["ects"], " ECTS"),
            "eqf_level": _eqf_text(frame["eqf"], "EQF "),
            "isced": _text(frame["isced"]),
            "form": _text(frame["participation"]),
            "teaching_languages": _joined(frame, ["lang1", "lang2"], "|"),
            "learning_outcomes": _joined(frame, ["outcome1", "outcome2", "outcome3"], "|"),
            "starts": _start_dmy(frame["start"]),
        }
        delimiter, separator = ";", "|"
        mapping = {
            "source_record_id": "registration_no",
            "title": "course_title",
            "provider_name": "provider",
            "provider_country": "provider_country",
            "title_language": "title_lang",
            "description": "summary",
            "url": "link",
            "ects": "credits",
            "eqf_level": "eqf_level",
            "isced_f_code": "isced",
            "participation_form": "form",
            "languages": "teaching_languages",
            "learning_outcomes": "learning_outcomes",
            "start_date": "starts",
        }
    else:
        columns = {
            "id": _text(ids),
            "title": _text(frame["title"]),
            "title_lang": _text(frame["title_language"]),
            "description": _text(frame["description"]),
            "url": _text(frame["url"]),
            "ects": _ects_text(frame["ects"]),
            "eqf": _eqf_text(frame["eqf"]),
            "isced_f": _text(frame["isced"]),
            "mode": _text(frame["participation"]),
            "languages": _joined(frame, ["lang1", "lang2"], ";"),
            "outcomes": _joined(frame, ["outcome1", "outcome2", "outcome3"], ";"),
            "start": _text(frame["start"]),
        }
        delimiter, separator = ",", ";"
        mapping = {
            "source_record_id": "id",
            "title": "title",
            "title_language": "title_lang",
            "description": "description",
            "url": "url",
            "ects": "ects",
            "eqf_level": "eqf",
            "isced_f_code": "isced_f",
            "participation_form": "mode",
            "languages": "languages",
            "learning_outcomes": "outcomes",
            "start_date": "start",
        }
    pv.write_csv(pa.table(columns), path, pv.WriteOptions(delimiter=delimiter))
    return {
        "format": "csv",
        "options": {"delimiter": delimiter, "list_separator": separator},
        "mapping": mapping,
    }


def _lists(frame: pd.DataFrame, columns: list[str]) -> list[list[str] | None]:
    values = zip(*(_py(frame[c]) for c in columns), strict=True)
    return [[v for v in row if v is not None] or None for row in values]


def _record_values(frame: pd.DataFrame, ids: np.ndarray) -> dict[str, list]:
    ects = frame["ects"].to_numpy()
    return {
        "id": ids.tolist(),
        "title": _py(frame["title"]),
        "lang": _py(frame["title_language"]),
        "description": _py(frame["description"]),
        "url": _py(frame["url"]),
        "ects": [
            None if v != v else (int(v) if v.is_integer() else float(v)) for v in ects.tolist()
        ],
        "eqf": [None if v == 0 else v for v in frame["eqf"].tolist()],
        "isced": _py(frame["isced"]),
        "mode": _py(frame["participation"]),
        "languages": _lists(frame, ["lang1", "lang2"]),
        "outcomes": _lists(frame, ["outcome1", "outcome2", "outcome3"]),
        "start": _py(frame["start"]),
        "provider": _py(frame["provider_name"]),
        "provider_country": _py(frame["provider_country"]),
        "awarding": _py(frame["awarding_body_name"]),
        "awarding_country": _py(frame["awarding_body_country"]),
    }


def _write_json(frame: pd.DataFrame, ids: np.ndarray, kind: str, path: Path) -> dict:
    v = _record_values(frame, ids)
    rows = zip(*v.values(), strict=True)
    keys = list(v)
    if kind == "mooc":  # nested, like a MOOC platform's API; the partner is the awarding body
        items = []
        for row in rows:
            r = dict(zip(keys, row, strict=True))
            item = {
                "course_key": r["id"],
                "title": r["title"],
                "language": r["lang"],
                "short_description": r["description"],
                "organisation": {"name": r["awarding"], "country": r["awarding_country"]},
                "credits": {"ects": r["ects"]} if r["ects"] is not None else {},
                "eqf": r["eqf"],
                "isced": f"http://data.europa.eu/snb/isced-f/{r['isced']}",
                "modality": r["mode"],
                "languages": r["languages"],
                "skills": r["outcomes"],
                "session": {"start": r["start"]},
                "url": r["url"],
            }
            items.append({k: x for k, x in item.items() if x is not None})
        document: object = {"count": len(items), "items": items}
        mapping = {
            "source_record_id": "course_key",
            "title": "title",
            "title_language": "language",
            "description": "short_description",
            "awarding_body_name": "organisation.name",
            "awarding_body_country": "organisation.country",
            "ects": "credits.ects",
            "eqf_level": "eqf",
            "isced_f_code": "isced",
            "participation_form": "modality",
            "languages": "languages",
            "learning_outcomes": "skills",
            "start_date": "session.start",
            "url": "url",
        }
        options = {"records": "items"}
    else:
        names = {
            "id": "id",
            "title": "title",
            "lang": "title_language",
            "description": "description",
            "url": "url",
            "ects": "ects",
            "eqf": "eqf_level",
            "isced": "isced_f",
            "mode": "participation",
            "languages": "languages",
            "outcomes": "learning_outcomes",
            "start": "start_date",
        }
        if kind == "aggregator":
            names |= {"provider": "provider_name", "provider_country": "provider_country"}
        wanted = [(keys.index(k), name) for k, name in names.items()]
        document = [{name: row[i] for i, name in wanted if row[i] is not None} for row in rows]
        mapping = {
            "source_record_id": "id",
            "title": "title",
            "title_language": "title_language",
            "description": "description",
            "url": "url",
            "ects": "ects",
            "eqf_level": "eqf_level",
            "isced_f_code": "isced_f",
            "participation_form": "participation",
            "languages": "languages",
            "learning_outcomes": "learning_outcomes",
            "start_date": "start_date",
        }
        if kind == "aggregator":
            mapping |= {"provider_name": "provider_name", "provider_country": "provider_country"}
            document = {"results": document}
            options = {"records": "results"}
        else:
            options = {}
    path.write_bytes(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode())
    entry = {"format": "json", "mapping": mapping}
    if options:
        entry["options"] = options
    return entry


def _escape(values: pd.Series) -> list:
    text = _text(values)
    for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = pc.replace_substring(text, raw, escaped)
    return text.to_pylist()


def _write_xml(frame: pd.DataFrame, ids: np.ndarray, kind: str, path: Path) -> dict:
    v = _record_values(frame, ids)
    title, description = _escape(frame["title"]), _escape(frame["description"])
    url, provider = _escape(frame["url"]), _escape(frame["provider_name"])
    awarding = _escape(frame["awarding_body_name"])
    parts = []
    for i in range(len(frame)):
        out = [f'<mc:course id="{v["id"][i]}">']
        out.append(f'<mc:title xml:lang="{v["lang"][i]}">{title[i]}</mc:title>')
        if description[i] is not None:
            out.append(f"<mc:description>{description[i]}</mc:description>")
        if provider[i] is not None:
            out.append(
                f'<mc:provider country="{v["provider_country"][i]}">{provider[i]}</mc:provider>'
            )
        if awarding[i] is not None:
            out.append(
                f'<mc:awardingBody country="{v["awarding_country"][i]}">{awarding[i]}</mc:awardingBody>'
            )
        if url[i] is not None:
            out.append(f"<mc:url>{url[i]}</mc:url>")
        if v["ects"][i] is not None:
            out.append(f'<mc:credits unit="ECTS">{v["ects"][i]}</mc:credits>')
        if v["eqf"][i] is not None:
            out.append(f'<mc:level framework="EQF">Level {v["eqf"][i]}</mc:level>')
        out.append(f'<mc:field scheme="ISCED-F">{v["isced"][i]}</mc:field>')
        out.append(f"<mc:mode>{v['mode'][i]}</mc:mode>")
        out.extend(f"<mc:language>{x}</mc:language>" for x in v["languages"][i] or ())
        if v["outcomes"][i]:
            out.append("<mc:outcomes>")
            out.extend(f"<mc:outcome>{x}</mc:outcome>" for x in v["outcomes"][i])
            out.append("</mc:outcomes>")
        if v["start"][i] is not None:
            out.append(f'<mc:period start="{v["start"][i]}"/>')
        out.append("</mc:course>")
        parts.append("".join(out))
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<mc:catalogue xmlns:mc="{XML_NS}">\n' + "\n".join(parts) + "\n</mc:catalogue>\n"
    )
    path.write_bytes(text.encode("utf-8"))
    mapping = {
        "source_record_id": "@id",
        "title": "mc:title",
        "title_language": "mc:title/@xml:lang",
        "description": "mc:description",
        "url": "mc:url",
        "ects": "mc:credits",
        "eqf_level": "mc:level",
        "isced_f_code": "mc:field",
        "participation_form": "mc:mode",
        "languages": "mc:language",
        "learning_outcomes": "mc:outcomes/mc:outcome",
        "start_date": "mc:period/@start",
    }
    if kind == "aggregator":
        mapping |= {"provider_name": "mc:provider", "provider_country": "mc:provider/@country"}
    if kind == "mooc":
        mapping |= {
            "awarding_body_name": "mc:awardingBody",
            "awarding_body_country": "mc:awardingBody/@country",
        }
    return {
        "format": "xml",
        "options": {"record": "mc:course", "namespaces": {"mc": XML_NS}},
        "mapping": mapping,
    }


WRITERS = {"csv": _write_csv, "json": _write_json, "xml": _write_xml}
ID_PREFIX = {"own": "MC-", "aggregator": "REG-2026-", "mooc": "course-v1:MC+"}


# ---------------------------------------------------------------- driver


def default_sources(records: int) -> int:
    return int(np.clip(records // 1000, 20, 500))


def generate(out_dir: Path, records: int, seed: int = 0, sources: int | None = None) -> dict:
    """Write registry, feeds and labels for about `records` records; return the manifest."""
    out_dir = Path(out_dir)
    feeds_dir = out_dir / "feeds"
    shutil.rmtree(feeds_dir, ignore_errors=True)
    feeds_dir.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    sources = sources or default_sources(records)
    providers, feeds = build_registry(sources, rng)
    universities = [p for p in providers if "identifiers" in p]
    voc = Vocabulary(np.random.default_rng([seed, 1]))
    mean_copies = float((np.arange(1, 5) * COPIES_P).sum())
    # a few more clusters than needed (some cannot reach 4 sources), cut at `records` records
    clusters = make_clusters(max(1, round(records / mean_copies * 1.15)), universities, voc, rng)
    cluster_of, source_of = place_copies(clusters, universities, feeds, rng)
    keep = int(np.searchsorted(np.bincount(cluster_of).cumsum(), records, side="left")) + 1
    clusters = clusters.take(np.arange(min(keep, len(clusters))))
    cut = cluster_of < len(clusters)
    cluster_of, source_of = cluster_of[cut][:records], source_of[cut][:records]
    frame, canonical = make_records(clusters, cluster_of, source_of, universities, feeds, voc, rng)

    # records of a source in random order, numbered within the source
    order = np.lexsort((rng.random(len(frame)), source_of))
    frame = frame.iloc[order].reset_index(drop=True)
    source_of = frame["source"].to_numpy()
    bounds = np.searchsorted(source_of, np.arange(len(feeds) + 1))
    label_parts = []
    registry_sources = []
    counts = {"own": 0, "aggregator": 0, "mooc": 0}
    by_format = {"csv": 0, "json": 0, "xml": 0}
    for s, feed in enumerate(feeds):
        part = frame.iloc[bounds[s] : bounds[s + 1]]
        n = len(part)
        ids = _arr(np.char.add(ID_PREFIX[feed["kind"]], np.char.mod("%07d", np.arange(1, n + 1))))
        name = f"{feed['id']}.{feed['format']}"
        entry = WRITERS[feed["format"]](part, ids, feed["kind"], feeds_dir / name)
        provider = providers[feed["provider"]]["id"]
        # aggregators publish for their countries' providers, platforms for their partners
        speaks_for = {
            "aggregator": {"countries": feed.get("countries", [])},
            "mooc": {"any": True},
        }.get(feed["kind"])
        registry_sources.append(
            {
                "id": feed["id"],
                "provider": provider,
                "url": f"feeds/{name}",
                **({"speaks_for": speaks_for} if speaks_for else {}),
                **entry,
            }
        )
        label_parts.append(
            pd.DataFrame(
                {
                    "source_id": feed["id"],
                    "source_record_id": ids,
                    "cluster": part["cluster"].to_numpy(),
                }
            )
        )
        counts[feed["kind"]] += n
        by_format[feed["format"]] += n

    registry = {
        "providers": [{k: v for k, v in p.items() if not k.startswith("_")} for p in providers],
        "sources": registry_sources,
    }
    header = (
        f"# Generated by bench/generate_duplicates.py: {len(frame)} records, "
        f"{len(clusters)} true micro-credentials, {len(feeds)} sources, seed {seed}\n"
    )
    body = yaml.dump(
        registry,
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
        sort_keys=False,
        allow_unicode=True,
        width=120,
    )
    (out_dir / "registry.yaml").write_text(header + body, encoding="utf-8")
    labels = pd.concat(label_parts, ignore_index=True).astype({"cluster": "int64"})
    pq.write_table(pa.Table.from_pandas(labels, preserve_index=False), out_dir / "labels.parquet")

    copies = np.bincount(cluster_of, minlength=len(clusters))
    kind_names = np.array([*FAMILY_KINDS, ""], dtype=object)
    cluster_table = pd.DataFrame(
        {
            "cluster": np.arange(len(clusters), dtype=np.int64),
            "provider_id": _arr(u["id"] for u in universities)[clusters.provider],
            "title": canonical,
            "title_language": clusters.lang,
            "ects": clusters.ects,
            "eqf_level": clusters.eqf,
            "copies": copies,
            "family": clusters.family,
            "family_kind": np.where(clusters.family >= 0, kind_names[clusters.family_kind], None),
        }
    )
    pq.write_table(
        pa.Table.from_pandas(cluster_table, preserve_index=False), out_dir / "clusters.parquet"
    )
    in_family = clusters.family >= 0
    title_key = pd.Series(canonical).str.casefold()
    shared = title_key.map(title_key.value_counts()) > 1
    manifest = {
        "seed": seed,
        "records": len(frame),
        "clusters": len(clusters),
        "sources": len(feeds),
        "providers": len(providers),
        "universities": len(universities),
        "records_by_source_kind": counts,
        "records_by_format": by_format,
        "clusters_by_copies": {
            str(k): int((copies == k).sum()) for k in range(1, int(copies.max()) + 1)
        },
        "true_pairs": int((copies * (copies - 1) // 2).sum()),
        "family_clusters": int(in_family.sum()),
        "family_share": round(float(in_family.mean()), 4),
        "family_clusters_by_kind": {
            name: int((in_family & (clusters.family_kind == k)).sum())
            for k, name in enumerate(FAMILY_KINDS)
        },
        "clusters_sharing_a_title": int(shared.sum()),
        "noise": "see bench/README.md, Deduplication quality: labelled feeds",
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, required=True, help="about this many records")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sources", type=int, default=None, help="default: records/1000, 20..500")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate(args.out, args.records, args.seed, args.sources)
    size = sum(p.stat().st_size for p in (args.out / "feeds").iterdir())
    print(
        f"{manifest['records']:,} records of {manifest['clusters']:,} true micro-credentials "
        f"in {manifest['sources']} sources {manifest['records_by_format']}, "
        f"{manifest['family_share']:.1%} of clusters in families of hard non-duplicates, "
        f"{size / 2**20:.1f} MiB of feeds, in {time.perf_counter() - started:.1f} s"
    )
    print(f"registry: {args.out / 'registry.yaml'}; labels: {args.out / 'labels.parquet'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
