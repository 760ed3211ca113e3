"""Words and names for bench/generate_independent.py, in the languages of its catalogues.

How the same micro-credential is written differs by country and by publisher; these tables hold
what was observed in public catalogues (university module catalogues exported from USOS, ESSE3,
IS/STAG, Peppi and Ladok-style systems, XCRI-CAP course feeds, MOOC platform listings, national
registers) in a form the generator can combine:

- `TOPICS`: subjects with the grammatical forms each language needs to build a title around them
  (Polish and Czech genitive after "Wprowadzenie do" / "Úvod do", Finnish genitive and illative,
  Italian and Portuguese article contractions, Greek accusative after "στην/στον/στο");
- `PATTERNS`: title shapes per language ("Introduction to X", "Podstawy X", "X-n perusteet",
  "Εισαγωγή στην X", "X for Y", "X: subtitle"), with the reordered forms registers use;
- qualifiers (audiences, domains, subtitles), series markers, affixes registers and platforms add,
  abbreviations, British/American spellings;
- provider name templates per country, in their own languages and scripts, with English names.

The generator checks at import time that every topic has every form.
"""

from __future__ import annotations

LANGS = ("en", "pl", "it", "pt", "sv", "cs", "fi", "el")

# key|isced|en|pl|pl_gen|it|it_a|pt|pt_a|sv|cs|cs_gen|fi|fi_gen|fi_ill|el|el_gen|el_se
_TOPIC_TABLE = """
data|0542|Data Analysis|Analiza danych|analizy danych|Analisi dei dati|all'analisi dei dati|Análise de dados|à análise de dados|Dataanalys|Analýza dat|analýzy dat|Data-analytiikka|Data-analytiikan|data-analytiikkaan|Ανάλυση δεδομένων|ανάλυσης δεδομένων|στην ανάλυση δεδομένων
ml|0613|Machine Learning|Uczenie maszynowe|uczenia maszynowego|Apprendimento automatico|all'apprendimento automatico|Aprendizagem automática|à aprendizagem automática|Maskininlärning|Strojové učení|strojového učení|Koneoppiminen|Koneoppimisen|koneoppimiseen|Μηχανική μάθηση|μηχανικής μάθησης|στη μηχανική μάθηση
pm|0413|Project Management|Zarządzanie projektami|zarządzania projektami|Gestione dei progetti|alla gestione dei progetti|Gestão de projetos|à gestão de projetos|Projektledning|Projektové řízení|projektového řízení|Projektinhallinta|Projektinhallinnan|projektinhallintaan|Διαχείριση έργων|διαχείρισης έργων|στη διαχείριση έργων
cyber|0612|Cybersecurity|Cyberbezpieczeństwo|cyberbezpieczeństwa|Sicurezza informatica|alla sicurezza informatica|Cibersegurança|à cibersegurança|Cybersäkerhet|Kybernetická bezpečnost|kybernetické bezpečnosti|Kyberturvallisuus|Kyberturvallisuuden|kyberturvallisuuteen|Κυβερνοασφάλεια|κυβερνοασφάλειας|στην κυβερνοασφάλεια
python|0613|Programming in Python|Programowanie w języku Python|programowania w języku Python|Programmazione in Python|alla programmazione in Python|Programação em Python|à programação em Python|Programmering i Python|Programování v Pythonu|programování v Pythonu|Python-ohjelmointi|Python-ohjelmoinnin|Python-ohjelmointiin|Προγραμματισμός σε Python|προγραμματισμού σε Python|στον προγραμματισμό σε Python
marketing|0414|Digital Marketing|Marketing cyfrowy|marketingu cyfrowego|Marketing digitale|al marketing digitale|Marketing digital|ao marketing digital|Digital marknadsföring|Digitální marketing|digitálního marketingu|Digitaalinen markkinointi|Digitaalisen markkinoinnin|digitaaliseen markkinointiin|Ψηφιακό μάρκετινγκ|ψηφιακού μάρκετινγκ|στο ψηφιακό μάρκετινγκ
sustain|0521|Sustainable Development|Zrównoważony rozwój|zrównoważonego rozwoju|Sviluppo sostenibile|allo sviluppo sostenibile|Desenvolvimento sustentável|ao desenvolvimento sustentável|Hållbar utveckling|Udržitelný rozvoj|udržitelného rozvoje|Kestävä kehitys|Kestävän kehityksen|kestävään kehitykseen|Βιώσιμη ανάπτυξη|βιώσιμης ανάπτυξης|στη βιώσιμη ανάπτυξη
energy|0713|Renewable Energy|Odnawialne źródła energii|odnawialnych źródeł energii|Energie rinnovabili|alle energie rinnovabili|Energias renováveis|às energias renováveis|Förnybar energi|Obnovitelné zdroje energie|obnovitelných zdrojů energie|Uusiutuva energia|Uusiutuvan energian|uusiutuvaan energiaan|Ανανεώσιμες πηγές ενέργειας|ανανεώσιμων πηγών ενέργειας|στις ανανεώσιμες πηγές ενέργειας
ai|0619|Artificial Intelligence|Sztuczna inteligencja|sztucznej inteligencji|Intelligenza artificiale|all'intelligenza artificiale|Inteligência artificial|à inteligência artificial|Artificiell intelligens|Umělá inteligence|umělé inteligence|Tekoäly|Tekoälyn|tekoälyyn|Τεχνητή νοημοσύνη|τεχνητής νοημοσύνης|στην τεχνητή νοημοσύνη
health|0919|Public Health|Zdrowie publiczne|zdrowia publicznego|Sanità pubblica|alla sanità pubblica|Saúde pública|à saúde pública|Folkhälsovetenskap|Veřejné zdravotnictví|veřejného zdravotnictví|Kansanterveystiede|Kansanterveystieteen|kansanterveystieteeseen|Δημόσια υγεία|δημόσιας υγείας|στη δημόσια υγεία
accounting|0411|Financial Accounting|Rachunkowość finansowa|rachunkowości finansowej|Contabilità finanziaria|alla contabilità finanziaria|Contabilidade financeira|à contabilidade financeira|Finansiell redovisning|Finanční účetnictví|finančního účetnictví|Laskentatoimi|Laskentatoimen|laskentatoimeen|Χρηματοοικονομική λογιστική|χρηματοοικονομικής λογιστικής|στη χρηματοοικονομική λογιστική
labour|0421|Labour Law|Prawo pracy|prawa pracy|Diritto del lavoro|al diritto del lavoro|Direito do trabalho|ao direito do trabalho|Arbetsrätt|Pracovní právo|pracovního práva|Työoikeus|Työoikeuden|työoikeuteen|Εργατικό δίκαιο|εργατικού δικαίου|στο εργατικό δίκαιο
gis|0532|Geographic Information Systems|Systemy informacji geograficznej|systemów informacji geograficznej|Sistemi informativi geografici|ai sistemi informativi geografici|Sistemas de informação geográfica|aos sistemas de informação geográfica|Geografiska informationssystem|Geografické informační systémy|geografických informačních systémů|Paikkatietojärjestelmät|Paikkatietojärjestelmien|paikkatietojärjestelmiin|Γεωγραφικά συστήματα πληροφοριών|γεωγραφικών συστημάτων πληροφοριών|στα γεωγραφικά συστήματα πληροφοριών
supply|0413|Supply Chain Management|Zarządzanie łańcuchem dostaw|zarządzania łańcuchem dostaw|Gestione della catena di fornitura|alla gestione della catena di fornitura|Gestão da cadeia de abastecimento|à gestão da cadeia de abastecimento|Logistik och försörjningskedjor|Řízení dodavatelského řetězce|řízení dodavatelského řetězce|Toimitusketjun hallinta|Toimitusketjun hallinnan|toimitusketjun hallintaan|Διαχείριση εφοδιαστικής αλυσίδας|διαχείρισης εφοδιαστικής αλυσίδας|στη διαχείριση εφοδιαστικής αλυσίδας
orgbeh|0413|Organisational Behaviour|Zachowania organizacyjne|zachowań organizacyjnych|Comportamento organizzativo|al comportamento organizzativo|Comportamento organizacional|ao comportamento organizacional|Organisationsbeteende|Organizační chování|organizačního chování|Organisaatiokäyttäytyminen|Organisaatiokäyttäytymisen|organisaatiokäyttäytymiseen|Οργανωσιακή συμπεριφορά|οργανωσιακής συμπεριφοράς|στην οργανωσιακή συμπεριφορά
testing|0613|Software Testing|Testowanie oprogramowania|testowania oprogramowania|Collaudo del software|al collaudo del software|Testes de software|aos testes de software|Mjukvarutestning|Testování softwaru|testování softwaru|Ohjelmistotestaus|Ohjelmistotestauksen|ohjelmistotestaukseen|Έλεγχος λογισμικού|ελέγχου λογισμικού|στον έλεγχο λογισμικού
cloud|0612|Cloud Computing|Przetwarzanie w chmurze|przetwarzania w chmurze|Cloud computing|al cloud computing|Computação em nuvem|à computação em nuvem|Molntjänster|Cloud computing|cloud computingu|Pilvipalvelut|Pilvipalveluiden|pilvipalveluihin|Υπολογιστικό νέφος|υπολογιστικού νέφους|στο υπολογιστικό νέφος
circular|0311|Circular Economy|Gospodarka o obiegu zamkniętym|gospodarki o obiegu zamkniętym|Economia circolare|all'economia circolare|Economia circular|à economia circular|Cirkulär ekonomi|Cirkulární ekonomika|cirkulární ekonomiky|Kiertotalous|Kiertotalouden|kiertotalouteen|Κυκλική οικονομία|κυκλικής οικονομίας|στην κυκλική οικονομία
entre|0413|Entrepreneurship|Przedsiębiorczość|przedsiębiorczości|Imprenditorialità|all'imprenditorialità|Empreendedorismo|ao empreendedorismo|Entreprenörskap|Podnikání|podnikání|Yrittäjyys|Yrittäjyyden|yrittäjyyteen|Επιχειρηματικότητα|επιχειρηματικότητας|στην επιχειρηματικότητα
writing|0232|Academic Writing|Pisanie akademickie|pisania akademickiego|Scrittura accademica|alla scrittura accademica|Escrita académica|à escrita académica|Akademiskt skrivande|Akademické psaní|akademického psaní|Akateeminen kirjoittaminen|Akateemisen kirjoittamisen|akateemiseen kirjoittamiseen|Ακαδημαϊκή γραφή|ακαδημαϊκής γραφής|στην ακαδημαϊκή γραφή
busen|0231|Business English|Język angielski w biznesie|języka angielskiego w biznesie|Inglese commerciale|all'inglese commerciale|Inglês para negócios|ao inglês para negócios|Affärsengelska|Obchodní angličtina|obchodní angličtiny|Liike-elämän englanti|Liike-elämän englannin|liike-elämän englantiin|Επιχειρηματικά αγγλικά|επιχειρηματικών αγγλικών|στα επιχειρηματικά αγγλικά
web|0613|Web Development|Tworzenie aplikacji internetowych|tworzenia aplikacji internetowych|Sviluppo web|allo sviluppo web|Desenvolvimento web|ao desenvolvimento web|Webbutveckling|Vývoj webových aplikací|vývoje webových aplikací|Web-ohjelmointi|Web-ohjelmoinnin|web-ohjelmointiin|Ανάπτυξη διαδικτυακών εφαρμογών|ανάπτυξης διαδικτυακών εφαρμογών|στην ανάπτυξη διαδικτυακών εφαρμογών
db|0612|Databases|Bazy danych|baz danych|Basi di dati|alle basi di dati|Bases de dados|às bases de dados|Databaser|Databázové systémy|databázových systémů|Tietokannat|Tietokantojen|tietokantoihin|Βάσεις δεδομένων|βάσεων δεδομένων|στις βάσεις δεδομένων
stats|0542|Statistics|Statystyka|statystyki|Statistica|alla statistica|Estatística|à estatística|Statistik|Statistika|statistiky|Tilastotiede|Tilastotieteen|tilastotieteeseen|Στατιστική|στατιστικής|στη στατιστική
hrm|0413|Human Resource Management|Zarządzanie zasobami ludzkimi|zarządzania zasobami ludzkimi|Gestione delle risorse umane|alla gestione delle risorse umane|Gestão de recursos humanos|à gestão de recursos humanos|Personalledning|Řízení lidských zdrojů|řízení lidských zdrojů|Henkilöstöjohtaminen|Henkilöstöjohtamisen|henkilöstöjohtamiseen|Διοίκηση ανθρώπινων πόρων|διοίκησης ανθρώπινων πόρων|στη διοίκηση ανθρώπινων πόρων
climate|0521|Climate Change|Zmiany klimatu|zmian klimatu|Cambiamenti climatici|ai cambiamenti climatici|Alterações climáticas|às alterações climáticas|Klimatförändringar|Změna klimatu|změny klimatu|Ilmastonmuutos|Ilmastonmuutoksen|ilmastonmuutokseen|Κλιματική αλλαγή|κλιματικής αλλαγής|στην κλιματική αλλαγή
geri|0913|Geriatric Nursing|Pielęgniarstwo geriatryczne|pielęgniarstwa geriatrycznego|Infermieristica geriatrica|all'infermieristica geriatrica|Enfermagem geriátrica|à enfermagem geriátrica|Geriatrisk omvårdnad|Geriatrické ošetřovatelství|geriatrického ošetřovatelství|Gerontologinen hoitotyö|Gerontologisen hoitotyön|gerontologiseen hoitotyöhön|Γηριατρική νοσηλευτική|γηριατρικής νοσηλευτικής|στη γηριατρική νοσηλευτική
intercult|0314|Intercultural Communication|Komunikacja międzykulturowa|komunikacji międzykulturowej|Comunicazione interculturale|alla comunicazione interculturale|Comunicação intercultural|à comunicação intercultural|Interkulturell kommunikation|Interkulturní komunikace|interkulturní komunikace|Kulttuurienvälinen viestintä|Kulttuurienvälisen viestinnän|kulttuurienväliseen viestintään|Διαπολιτισμική επικοινωνία|διαπολιτισμικής επικοινωνίας|στη διαπολιτισμική επικοινωνία
bim|0732|Building Information Modelling (BIM)|Modelowanie informacji o budynku (BIM)|modelowania informacji o budynku (BIM)|Building Information Modeling (BIM)|al Building Information Modeling (BIM)|Modelação da informação da construção (BIM)|à modelação da informação da construção (BIM)|Byggnadsinformationsmodellering (BIM)|Informační modelování staveb (BIM)|informačního modelování staveb (BIM)|Tietomallintaminen (BIM)|Tietomallintamisen (BIM)|tietomallintamiseen (BIM)|Μοντελοποίηση πληροφοριών κτιρίου (BIM)|μοντελοποίησης πληροφοριών κτιρίου (BIM)|στη μοντελοποίηση πληροφοριών κτιρίου (BIM)
quality|0413|Quality Management|Zarządzanie jakością|zarządzania jakością|Gestione della qualità|alla gestione della qualità|Gestão da qualidade|à gestão da qualidade|Kvalitetsledning|Řízení kvality|řízení kvality|Laatujohtaminen|Laatujohtamisen|laatujohtamiseen|Διαχείριση ποιότητας|διαχείρισης ποιότητας|στη διαχείριση ποιότητας
robotics|0714|Robotics|Robotyka|robotyki|Robotica|alla robotica|Robótica|à robótica|Robotik|Robotika|robotiky|Robotiikka|Robotiikan|robotiikkaan|Ρομποτική|ρομποτικής|στη ρομποτική
food|0721|Food Safety|Bezpieczeństwo żywności|bezpieczeństwa żywności|Sicurezza alimentare|alla sicurezza alimentare|Segurança alimentar|à segurança alimentar|Livsmedelssäkerhet|Bezpečnost potravin|bezpečnosti potravin|Elintarviketurvallisuus|Elintarviketurvallisuuden|elintarviketurvallisuuteen|Ασφάλεια τροφίμων|ασφάλειας τροφίμων|στην ασφάλεια τροφίμων
dighum|0229|Digital Humanities|Humanistyka cyfrowa|humanistyki cyfrowej|Informatica umanistica|all'informatica umanistica|Humanidades digitais|às humanidades digitais|Digital humaniora|Digitální humanitní vědy|digitálních humanitních věd|Digitaaliset ihmistieteet|Digitaalisten ihmistieteiden|digitaalisiin ihmistieteisiin|Ψηφιακές ανθρωπιστικές επιστήμες|ψηφιακών ανθρωπιστικών επιστημών|στις ψηφιακές ανθρωπιστικές επιστήμες
incl|0111|Inclusive Education|Edukacja włączająca|edukacji włączającej|Didattica inclusiva|alla didattica inclusiva|Educação inclusiva|à educação inclusiva|Inkluderande undervisning|Inkluzivní vzdělávání|inkluzivního vzdělávání|Inklusiivinen kasvatus|Inklusiivisen kasvatuksen|inklusiiviseen kasvatukseen|Συμπεριληπτική εκπαίδευση|συμπεριληπτικής εκπαίδευσης|στη συμπεριληπτική εκπαίδευση
finmkt|0412|Financial Markets|Rynki finansowe|rynków finansowych|Mercati finanziari|ai mercati finanziari|Mercados financeiros|aos mercados financeiros|Finansiella marknader|Finanční trhy|finančních trhů|Rahoitusmarkkinat|Rahoitusmarkkinoiden|rahoitusmarkkinoihin|Χρηματοπιστωτικές αγορές|χρηματοπιστωτικών αγορών|στις χρηματοπιστωτικές αγορές
gdpr|0421|Data Protection (GDPR)|Ochrona danych osobowych (RODO)|ochrony danych osobowych (RODO)|Protezione dei dati personali (GDPR)|alla protezione dei dati personali (GDPR)|Proteção de dados pessoais (RGPD)|à proteção de dados pessoais (RGPD)|Dataskydd (GDPR)|Ochrana osobních údajů (GDPR)|ochrany osobních údajů (GDPR)|Tietosuoja (GDPR)|Tietosuojan (GDPR)|tietosuojaan (GDPR)|Προστασία προσωπικών δεδομένων (ΓΚΠΔ)|προστασίας προσωπικών δεδομένων (ΓΚΠΔ)|στην προστασία προσωπικών δεδομένων (ΓΚΠΔ)
softeng|0613|Software Engineering|Inżynieria oprogramowania|inżynierii oprogramowania|Ingegneria del software|all'ingegneria del software|Engenharia de software|à engenharia de software|Programvaruteknik|Softwarové inženýrství|softwarového inženýrství|Ohjelmistotuotanto|Ohjelmistotuotannon|ohjelmistotuotantoon|Τεχνολογία λογισμικού|τεχνολογίας λογισμικού|στην τεχνολογία λογισμικού
urban|0731|Urban Planning|Planowanie przestrzenne|planowania przestrzennego|Pianificazione urbanistica|alla pianificazione urbanistica|Planeamento urbano|ao planeamento urbano|Fysisk planering|Územní plánování|územního plánování|Kaupunkisuunnittelu|Kaupunkisuunnittelun|kaupunkisuunnitteluun|Πολεοδομικός σχεδιασμός|πολεοδομικού σχεδιασμού|στον πολεοδομικό σχεδιασμό
lead|0413|Leadership|Przywództwo|przywództwa|Leadership|alla leadership|Liderança|à liderança|Ledarskap|Leadership|leadershipu|Johtajuus|Johtajuuden|johtajuuteen|Ηγεσία|ηγεσίας|στην ηγεσία
iot|0714|Internet of Things|Internet rzeczy|internetu rzeczy|Internet delle cose|all'Internet delle cose|Internet das coisas|à Internet das coisas|Sakernas internet|Internet věcí|internetu věcí|Esineiden internet|Esineiden internetin|esineiden internetiin|Διαδίκτυο των πραγμάτων|διαδικτύου των πραγμάτων|στο διαδίκτυο των πραγμάτων
palliative|0913|Palliative Care|Opieka paliatywna|opieki paliatywnej|Cure palliative|alle cure palliative|Cuidados paliativos|aos cuidados paliativos|Palliativ vård|Paliativní péče|paliativní péče|Palliatiivinen hoito|Palliatiivisen hoidon|palliatiiviseen hoitoon|Παρηγορητική φροντίδα|παρηγορητικής φροντίδας|στην παρηγορητική φροντίδα
tourism|1015|Tourism Management|Zarządzanie w turystyce|zarządzania w turystyce|Management del turismo|al management del turismo|Gestão do turismo|à gestão do turismo|Turismledning|Management cestovního ruchu|managementu cestovního ruchu|Matkailujohtaminen|Matkailujohtamisen|matkailujohtamiseen|Διοίκηση τουρισμού|διοίκησης τουρισμού|στη διοίκηση τουρισμού
blockchain|0613|Blockchain Technology|Technologia blockchain|technologii blockchain|Tecnologia blockchain|alla tecnologia blockchain|Tecnologia blockchain|à tecnologia blockchain|Blockkedjeteknik|Technologie blockchain|technologie blockchain|Lohkoketjuteknologia|Lohkoketjuteknologian|lohkoketjuteknologiaan|Τεχνολογία blockchain|τεχνολογίας blockchain|στην τεχνολογία blockchain
effbuild|0732|Energy Efficiency in Buildings|Efektywność energetyczna budynków|efektywności energetycznej budynków|Efficienza energetica degli edifici|all'efficienza energetica degli edifici|Eficiência energética em edifícios|à eficiência energética em edifícios|Energieffektivisering av byggnader|Energetická účinnost budov|energetické účinnosti budov|Rakennusten energiatehokkuus|Rakennusten energiatehokkuuden|rakennusten energiatehokkuuteen|Ενεργειακή απόδοση κτιρίων|ενεργειακής απόδοσης κτιρίων|στην ενεργειακή απόδοση κτιρίων
mediation|0421|Mediation and Conflict Resolution|Mediacje i rozwiązywanie konfliktów|mediacji i rozwiązywania konfliktów|Mediazione e gestione dei conflitti|alla mediazione e gestione dei conflitti|Mediação e resolução de conflitos|à mediação e resolução de conflitos|Medling och konflikthantering|Mediace a řešení konfliktů|mediace a řešení konfliktů|Sovittelu ja konfliktinratkaisu|Sovittelun ja konfliktinratkaisun|sovitteluun ja konfliktinratkaisuun|Διαμεσολάβηση και επίλυση συγκρούσεων|διαμεσολάβησης και επίλυσης συγκρούσεων|στη διαμεσολάβηση και επίλυση συγκρούσεων
biotech|0512|Biotechnology|Biotechnologia|biotechnologii|Biotecnologie|alle biotecnologie|Biotecnologia|à biotecnologia|Bioteknik|Biotechnologie|biotechnologie|Bioteknologia|Bioteknologian|bioteknologiaan|Βιοτεχνολογία|βιοτεχνολογίας|στη βιοτεχνολογία
games|0211|Game Design|Projektowanie gier|projektowania gier|Game design|al game design|Design de jogos|ao design de jogos|Speldesign|Design her|designu her|Pelisuunnittelu|Pelisuunnittelun|pelisuunnitteluun|Σχεδιασμός παιχνιδιών|σχεδιασμού παιχνιδιών|στον σχεδιασμό παιχνιδιών
econometrics|0311|Econometrics|Ekonometria|ekonometrii|Econometria|all'econometria|Econometria|à econometria|Ekonometri|Ekonometrie|ekonometrie|Ekonometria|Ekonometrian|ekonometriaan|Οικονομετρία|οικονομετρίας|στην οικονομετρία
ohs|1022|Occupational Health and Safety|Bezpieczeństwo i higiena pracy|bezpieczeństwa i higieny pracy|Salute e sicurezza sul lavoro|alla salute e sicurezza sul lavoro|Segurança e saúde no trabalho|à segurança e saúde no trabalho|Arbetsmiljö och säkerhet|Bezpečnost a ochrana zdraví při práci|bezpečnosti a ochrany zdraví při práci|Työturvallisuus|Työturvallisuuden|työturvallisuuteen|Υγεία και ασφάλεια στην εργασία|υγείας και ασφάλειας στην εργασία|στην υγεία και ασφάλεια στην εργασία
digped|0111|Digital Pedagogy|Dydaktyka cyfrowa|dydaktyki cyfrowej|Didattica digitale|alla didattica digitale|Pedagogia digital|à pedagogia digital|Digital pedagogik|Digitální didaktika|digitální didaktiky|Digipedagogiikka|Digipedagogiikan|digipedagogiikkaan|Ψηφιακή παιδαγωγική|ψηφιακής παιδαγωγικής|στην ψηφιακή παιδαγωγική
imaging|0914|Medical Imaging|Obrazowanie medyczne|obrazowania medycznego|Diagnostica per immagini|alla diagnostica per immagini|Imagiologia médica|à imagiologia médica|Medicinsk bilddiagnostik|Lékařské zobrazování|lékařského zobrazování|Lääketieteellinen kuvantaminen|Lääketieteellisen kuvantamisen|lääketieteelliseen kuvantamiseen|Ιατρική απεικόνιση|ιατρικής απεικόνισης|στην ιατρική απεικόνιση
optim|0413|Process Optimisation|Optymalizacja procesów|optymalizacji procesów|Ottimizzazione dei processi|all'ottimizzazione dei processi|Otimização de processos|à otimização de processos|Processoptimering|Optimalizace procesů|optimalizace procesů|Prosessien optimointi|Prosessien optimoinnin|prosessien optimointiin|Βελτιστοποίηση διεργασιών|βελτιστοποίησης διεργασιών|στη βελτιστοποίηση διεργασιών
"""

# Language courses: titles of series ("Japanese for Beginners 1", "... 2"); used alone.
_LANGUAGE_COURSES = """
japanese|0231|Japanese for Beginners|Język japoński dla początkujących|Giapponese per principianti|Japonês para principiantes|Japanska för nybörjare|Japonština pro začátečníky|Japanin kielen alkeet|Ιαπωνικά για αρχάριους
chinese|0231|Chinese for Beginners|Język chiński dla początkujących|Cinese per principianti|Chinês para principiantes|Kinesiska för nybörjare|Čínština pro začátečníky|Kiinan kielen alkeet|Κινεζικά για αρχάριους
korean|0231|Korean for Beginners|Język koreański dla początkujących|Coreano per principianti|Coreano para principiantes|Koreanska för nybörjare|Korejština pro začátečníky|Korean kielen alkeet|Κορεατικά για αρχάριους
arabic|0231|Arabic for Beginners|Język arabski dla początkujących|Arabo per principianti|Árabe para principiantes|Arabiska för nybörjare|Arabština pro začátečníky|Arabian kielen alkeet|Αραβικά για αρχάριους
spanish|0231|Spanish for Beginners|Język hiszpański dla początkujących|Spagnolo per principianti|Espanhol para principiantes|Spanska för nybörjare|Španělština pro začátečníky|Espanjan kielen alkeet|Ισπανικά για αρχάριους
german|0231|German for Beginners|Język niemiecki dla początkujących|Tedesco per principianti|Alemão para principiantes|Tyska för nybörjare|Němčina pro začátečníky|Saksan kielen alkeet|Γερμανικά για αρχάριους
"""

_FORM_COLUMNS = [
    "key",
    "isced",
    "en",
    "pl",
    "pl_gen",
    "it",
    "it_a",
    "pt",
    "pt_a",
    "sv",
    "cs",
    "cs_gen",
    "fi",
    "fi_gen",
    "fi_ill",
    "el",
    "el_gen",
    "el_se",
]


def _parse_topics() -> list[dict[str, str]]:
    rows = []
    for line in _TOPIC_TABLE.strip().splitlines():
        values = line.split("|")
        assert len(values) == len(_FORM_COLUMNS), line
        rows.append(dict(zip(_FORM_COLUMNS, values, strict=True)))
    for line in _LANGUAGE_COURSES.strip().splitlines():
        key, isced, *names = line.split("|")
        assert len(names) == len(LANGS), line
        row = {"key": key, "isced": isced, **dict(zip(LANGS, names, strict=True))}
        for form in _FORM_COLUMNS[2:]:  # language courses are used in their plain form only
            row.setdefault(form, row[form.split("_")[0]])
        rows.append(row)
    return rows


TOPICS = _parse_topics()
#: The first N_SUBJECTS topics are subjects; the rest are language courses (series only).
N_SUBJECTS = len(_TOPIC_TABLE.strip().splitlines())

#: Words kept capitalised when a name is put in the middle of a title ("Fondamenti di Python").
KEEP_CASE_WORDS = {"Python", "Python-ohjelmointi", "Python-ohjelmoinnin", "Internet", "Building"}

#: Acronyms real catalogues use for a subject, per language (the whole subject name replaced).
ACRONYMS = {
    "en": {"ml": "ML", "ai": "AI", "gis": "GIS", "hrm": "HRM", "iot": "IoT", "ohs": "OHS"},
    "pl": {"ohs": "BHP", "gdpr": "RODO", "ai": "SI"},
    "it": {"ai": "IA", "gdpr": "GDPR", "ohs": "SSL"},
    "pt": {"gdpr": "RGPD", "ai": "IA"},
    "sv": {"ai": "AI"},
    "cs": {"ohs": "BOZP", "ai": "AI"},
    "fi": {"ai": "AI"},
    "el": {"gdpr": "ΓΚΠΔ", "ai": "ΤΝ"},
}

# Title shapes per language: plain, introduction, fundamentals, advanced, in practice,
# audience, domain, "X and Y", "X: subtitle"; then the reordered introduction and fundamentals
# ("Data Science: An Introduction"). Fields: nom, low (lower-case first letter), gen, a, ill, se,
# q (qualifier), low2 (second subject, lower-case first letter).
PATTERNS = {
    "en": [
        "{nom}",
        "Introduction to {nom}",
        "Fundamentals of {nom}",
        "Advanced {nom}",
        "{nom} in Practice",
        "{nom} for {q}",
        "{nom} {q}",
        "{nom} and {nom2}",
        "{nom}: {q}",
        "{nom}: An Introduction",
        "{nom} Fundamentals",
    ],
    "pl": [
        "{nom}",
        "Wprowadzenie do {gen}",
        "Podstawy {gen}",
        "{nom} – kurs zaawansowany",
        "{nom} w praktyce",
        "{nom} dla {q}",
        "{nom} {q}",
        "{nom} i {low2}",
        "{nom}: {q}",
        "{nom} – wprowadzenie",
        "{nom} – podstawy",
    ],
    "it": [
        "{nom}",
        "Introduzione {a}",
        "Fondamenti di {low}",
        "Corso avanzato di {low}",
        "{nom}: applicazioni pratiche",
        "{nom} per {q}",
        "{nom} {q}",
        "{nom} e {low2}",
        "{nom}: {q}",
        "{nom}: introduzione",
        "{nom}: fondamenti",
    ],
    "pt": [
        "{nom}",
        "Introdução {a}",
        "Fundamentos de {low}",
        "Curso avançado de {low}",
        "{nom} na prática",
        "{nom} para {q}",
        "{nom} {q}",
        "{nom} e {low2}",
        "{nom}: {q}",
        "{nom}: introdução",
        "{nom}: fundamentos",
    ],
    "sv": [
        "{nom}",
        "Introduktion till {low}",
        "Grundkurs i {low}",
        "Fördjupningskurs i {low}",
        "{nom} i praktiken",
        "{nom} för {q}",
        "{nom} {q}",
        "{nom} och {low2}",
        "{nom}: {q}",
        "{nom} – introduktion",
        "{nom} – grundkurs",
    ],
    "cs": [
        "{nom}",
        "Úvod do {gen}",
        "Základy {gen}",
        "{nom} pro pokročilé",
        "{nom} v praxi",
        "{nom} pro {q}",
        "{nom} {q}",
        "{nom} a {low2}",
        "{nom}: {q}",
        "{nom} – úvod",
        "{nom} – základy",
    ],
    "fi": [
        "{nom}",
        "Johdatus {ill}",
        "{gen} perusteet",
        "{nom}, jatkokurssi",
        "{nom} käytännössä",
        "{nom} {q}",
        "{nom} {q}",
        "{nom} ja {low2}",
        "{nom}: {q}",
        "{nom}: johdanto",
        "{nom}: perusteet",
    ],
    "el": [
        "{nom}",
        "Εισαγωγή {se}",
        "Βασικές αρχές {gen}",
        "{nom} – προχωρημένο επίπεδο",
        "{nom} στην πράξη",
        "{nom} για {q}",
        "{nom} {q}",
        "{nom} και {low2}",
        "{nom}: {q}",
        "{nom}: εισαγωγή",
        "{nom}: βασικές αρχές",
    ],
}
P_PLAIN, P_INTRO, P_FUND, P_ADV, P_PRACTICE, P_AUDIENCE, P_DOMAIN, P_AND, P_SUBTITLE = range(9)
P_INTRO_REORDERED, P_FUND_REORDERED = 9, 10

AUDIENCES = {
    "en": "Engineers|Managers|Teachers|Healthcare Professionals|Lawyers|Public Administration|Small Businesses|Researchers|Social Workers|Journalists|Architects",
    "pl": "inżynierów|menedżerów|nauczycieli|pracowników ochrony zdrowia|prawników|administracji publicznej|małych firm|naukowców|pracowników socjalnych|dziennikarzy|architektów",
    "it": "ingegneri|manager|insegnanti|professionisti sanitari|avvocati|la pubblica amministrazione|piccole imprese|ricercatori|assistenti sociali|giornalisti|architetti",
    "pt": "engenheiros|gestores|professores|profissionais de saúde|advogados|a administração pública|pequenas empresas|investigadores|assistentes sociais|jornalistas|arquitetos",
    "sv": "ingenjörer|chefer|lärare|vårdpersonal|jurister|offentlig förvaltning|småföretag|forskare|socionomer|journalister|arkitekter",
    "cs": "inženýry|manažery|učitele|zdravotníky|právníky|veřejnou správu|malé podniky|výzkumníky|sociální pracovníky|novináře|architekty",
    "fi": "insinööreille|esihenkilöille|opettajille|terveydenhuollon ammattilaisille|juristeille|julkishallinnolle|pienyrityksille|tutkijoille|sosiaalityöntekijöille|toimittajille|arkkitehdeille",
    "el": "μηχανικούς|στελέχη επιχειρήσεων|εκπαιδευτικούς|επαγγελματίες υγείας|νομικούς|τη δημόσια διοίκηση|μικρές επιχειρήσεις|ερευνητές|κοινωνικούς λειτουργούς|δημοσιογράφους|αρχιτέκτονες",
}
DOMAINS = {
    "en": "in Healthcare|in Agriculture|in Finance|in Education|in Manufacturing|in the Public Sector|in Logistics|in Tourism|in Construction|in the Energy Sector",
    "pl": "w ochronie zdrowia|w rolnictwie|w finansach|w edukacji|w przemyśle|w sektorze publicznym|w logistyce|w turystyce|w budownictwie|w energetyce",
    "it": "in sanità|in agricoltura|nella finanza|nell'istruzione|nell'industria manifatturiera|nel settore pubblico|nella logistica|nel turismo|nell'edilizia|nel settore energetico",
    "pt": "na saúde|na agricultura|nas finanças|na educação|na indústria|no setor público|na logística|no turismo|na construção|no setor da energia",
    "sv": "inom vården|inom jordbruket|inom finans|inom utbildning|inom tillverkningsindustrin|inom offentlig sektor|inom logistik|inom turism|inom byggsektorn|inom energisektorn",
    "cs": "ve zdravotnictví|v zemědělství|ve financích|ve vzdělávání|v průmyslu|ve veřejném sektoru|v logistice|v cestovním ruchu|ve stavebnictví|v energetice",
    "fi": "terveydenhuollossa|maataloudessa|rahoitusalalla|koulutuksessa|teollisuudessa|julkisella sektorilla|logistiikassa|matkailussa|rakentamisessa|energia-alalla",
    "el": "στην υγεία|στη γεωργία|στα χρηματοοικονομικά|στην εκπαίδευση|στη βιομηχανία|στον δημόσιο τομέα|στην εφοδιαστική|στον τουρισμό|στις κατασκευές|στον ενεργειακό τομέα",
}
SUBTITLES = {
    "en": "From Theory to Practice|Tools and Methods|Key Concepts|A Hands-on Approach|Case Studies|Principles and Applications",
    "pl": "od teorii do praktyki|narzędzia i metody|kluczowe pojęcia|podejście praktyczne|studia przypadków|zasady i zastosowania",
    "it": "dalla teoria alla pratica|strumenti e metodi|concetti chiave|un approccio pratico|casi di studio|principi e applicazioni",
    "pt": "da teoria à prática|ferramentas e métodos|conceitos-chave|uma abordagem prática|estudos de caso|princípios e aplicações",
    "sv": "från teori till praktik|verktyg och metoder|nyckelbegrepp|ett praktiskt angreppssätt|fallstudier|principer och tillämpningar",
    "cs": "od teorie k praxi|nástroje a metody|klíčové pojmy|praktický přístup|případové studie|principy a aplikace",
    "fi": "teoriasta käytäntöön|työkalut ja menetelmät|keskeiset käsitteet|käytännön näkökulma|tapaustutkimuksia|periaatteet ja sovellukset",
    "el": "από τη θεωρία στην πράξη|εργαλεία και μέθοδοι|βασικές έννοιες|μια πρακτική προσέγγιση|μελέτες περίπτωσης|αρχές και εφαρμογές",
}
#: One-word siblings: the same course at a basic and an advanced level.
LEVEL_WORDS = {
    "en": (" – Basic Level", " – Advanced Level"),
    "pl": (" – poziom podstawowy", " – poziom zaawansowany"),
    "it": (" – livello base", " – livello avanzato"),
    "pt": (" – nível básico", " – nível avançado"),
    "sv": (", grundnivå", ", avancerad nivå"),
    "cs": (" – základní úroveň", " – pokročilá úroveň"),
    "fi": (", perustaso", ", jatkotaso"),
    "el": (" – βασικό επίπεδο", " – προχωρημένο επίπεδο"),
}

# Series markers: "Part", "Level" and their short forms in each language.
PART_WORD = {
    "en": "Part",
    "pl": "część",
    "it": "parte",
    "pt": "parte",
    "sv": "del",
    "cs": "část",
    "fi": "osa",
    "el": "Μέρος",
}
PART_SHORT = {
    "en": "Part",
    "pl": "cz.",
    "it": "pt.",
    "pt": "pt.",
    "sv": "del",
    "cs": "č.",
    "fi": "osa",
    "el": "Μέρος",
}
LEVEL_WORD = {
    "en": "Level",
    "pl": "poziom",
    "it": "livello",
    "pt": "nível",
    "sv": "nivå",
    "cs": "úroveň",
    "fi": "taso",
    "el": "Επίπεδο",
}
ROMAN = ("", "I", "II", "III", "IV", "V")
GREEK_NUMERALS = ("", "Α΄", "Β΄", "Γ΄", "Δ΄", "Ε΄")  # with keraia-like tonos, as printed

# What registers and platforms add around a title.
DELIVERY_WORDS = {  # online, onsite, blended
    "en": ("Online", "On Campus", "Blended"),
    "pl": ("kurs online", "stacjonarnie", "hybrydowo"),
    "it": ("online", "in presenza", "blended"),
    "pt": ("e-learning", "presencial", "b-learning"),
    "sv": ("distans", "campus", "flexibel"),
    "cs": ("online", "prezenčně", "kombinovaně"),
    "fi": ("verkkokurssi", "lähiopetus", "monimuoto"),
    "el": ("εξ αποστάσεως", "δια ζώσης", "μικτή μορφή"),
}
CREDIT_AFFIXES = {  # {e}: the ECTS value as the language writes numbers
    "en": (" ({e} ECTS)", " [{e} ECTS]", " – {e} ECTS credits"),
    "pl": (" ({e} ECTS)", " – {e} pkt ECTS"),
    "it": (" ({e} CFU)", " - {e} CFU"),
    "pt": (" ({e} ECTS)", " – {e} ECTS"),
    "sv": (" {e} hp", ", {e} hp", " ({e} hp)"),
    "cs": (" ({e} kreditů)", " ({e} ECTS)"),
    "fi": (" {e} op", ", {e} op", " ({e} op)"),
    "el": (" ({e} ECTS)", " ({e} π.μ.)"),
}
TYPE_PREFIXES = {
    "en": ("Certificate in ", "Micro-credential: ", "Short Course: ", "CPD: "),
    "pl": ("Mikropoświadczenie: ", "Kurs: ", "Szkolenie: "),
    "it": ("Microcredenziale: ", "Corso di formazione: ", "Corso di perfezionamento: "),
    "pt": ("Microcredencial: ", "Curso breve: ", "Formação: "),
    "sv": ("Kurs: ", "Uppdragsutbildning: "),
    "cs": ("Mikrocertifikát: ", "Kurz: "),
    "fi": ("Täydennyskoulutus: ", "Avoin yo: "),
    "el": ("Πρόγραμμα: ", "Επιμόρφωση: "),
}
YEAR_SUFFIXES = {
    "en": (" 2026", " (2026/27)", " – 2026 intake"),
    "pl": (" 2026/2027", " – edycja 2026"),
    "it": (" – edizione 2026", " a.a. 2026/2027"),
    "pt": (" – edição 2026", " 2026/2027"),
    "sv": (" HT26", " VT27", " ht 2026"),
    "cs": (" ZS 2026/27", " LS 2026/27"),
    "fi": (" syksy 2026", " kevät 2027"),
    "el": (" 2026-2027", " (2026)"),
}
ABBREVIATIONS = {
    "en": (
        ("Introduction to", "Intro to"),
        ("Fundamentals", "Fund."),
        ("Management", "Mgmt"),
        ("Advanced", "Adv."),
        ("Development", "Dev."),
        ("Information", "Info."),
        (" and ", " & "),
        ("Systems", "Sys."),
        ("Communication", "Comm."),
        ("Healthcare Professionals", "Health Professionals"),
    ),
    "pl": (
        ("Wprowadzenie do", "Wprow. do"),
        ("Zarządzanie", "Zarz."),
        ("zarządzania", "zarz."),
        ("Podstawy", "Podst."),
        (" i ", " & "),
        ("w języku", "w jęz."),
        ("administracji publicznej", "adm. publicznej"),
    ),
    "it": (
        ("Introduzione", "Intr."),
        ("Fondamenti", "Fond."),
        ("Gestione", "Gest."),
        (" e ", " & "),
        ("la pubblica amministrazione", "la P.A."),
    ),
    "pt": (
        ("Introdução", "Intr."),
        ("Fundamentos", "Fund."),
        ("Gestão", "Gest."),
        (" e ", " & "),
        ("a administração pública", "a AP"),
    ),
    "sv": (("Introduktion", "Intro"), ("Grundkurs", "Grundk."), (" och ", " & ")),
    "cs": (("Základy", "Zákl."), (" a ", " & "), ("pro pokročilé", "pro pokroč.")),
    "fi": ((" ja ", " & "), ("jatkokurssi", "jatko")),
    "el": (("Εισαγωγή", "Εισαγ."), (" και ", " & ")),
}
#: British spellings (EU English) and the American ones a US-run platform writes.
US_SPELLINGS = (
    ("Organisational", "Organizational"),
    ("Behaviour", "Behavior"),
    ("Labour", "Labor"),
    ("Modelling", "Modeling"),
    ("Optimisation", "Optimization"),
)

#: A faculty or unit after the provider's name (a register naming the unit, not the institution).
FACULTY_SUFFIX = {
    "PL": ", Wydział Zarządzania",
    "IT": " – Dipartimento di Economia",
    "PT": " – Faculdade de Economia",
    "SE": ", Institutionen för informatik",
    "CZ": ", Fakulta informatiky",
    "FI": ", Avoin yliopisto",
    "GR": " – Τμήμα Πληροφορικής",
    "GB": " – School of Computing",
    "IE": " – Centre for Adult Learning",
}

# --- Providers ------------------------------------------------------------------------------
# Cities: (local name, form used in templates, English name[, other-language name]).
CITIES = {
    "PL": [
        ("Kraków", "w Krakowie", "Kraków"),
        ("Warszawa", "w Warszawie", "Warsaw"),
        ("Wrocław", "we Wrocławiu", "Wrocław"),
        ("Poznań", "w Poznaniu", "Poznań"),
        ("Gdańsk", "w Gdańsku", "Gdańsk"),
        ("Łódź", "w Łodzi", "Łódź"),
        ("Lublin", "w Lublinie", "Lublin"),
        ("Katowice", "w Katowicach", "Katowice"),
        ("Szczecin", "w Szczecinie", "Szczecin"),
        ("Białystok", "w Białymstoku", "Białystok"),
        ("Rzeszów", "w Rzeszowie", "Rzeszów"),
        ("Opole", "w Opolu", "Opole"),
        ("Toruń", "w Toruniu", "Toruń"),
        ("Kielce", "w Kielcach", "Kielce"),
        ("Olsztyn", "w Olsztynie", "Olsztyn"),
        ("Bydgoszcz", "w Bydgoszczy", "Bydgoszcz"),
        ("Częstochowa", "w Częstochowie", "Częstochowa"),
        ("Radom", "w Radomiu", "Radom"),
        ("Gliwice", "w Gliwicach", "Gliwice"),
        ("Zielona Góra", "w Zielonej Górze", "Zielona Góra"),
    ],
    "IT": [
        (c, c, e)
        for c, e in (
            ("Milano", "Milan"),
            ("Torino", "Turin"),
            ("Roma", "Rome"),
            ("Napoli", "Naples"),
            ("Firenze", "Florence"),
            ("Bologna", "Bologna"),
            ("Padova", "Padua"),
            ("Pavia", "Pavia"),
            ("Genova", "Genoa"),
            ("Bari", "Bari"),
            ("Palermo", "Palermo"),
            ("Catania", "Catania"),
            ("Trento", "Trento"),
            ("Verona", "Verona"),
            ("Pisa", "Pisa"),
            ("Siena", "Siena"),
            ("Perugia", "Perugia"),
            ("Parma", "Parma"),
            ("Modena", "Modena"),
            ("Cagliari", "Cagliari"),
        )
    ],
    "PT": [
        (c, c, e)
        for c, e in (
            ("Lisboa", "Lisbon"),
            ("Porto", "Porto"),
            ("Coimbra", "Coimbra"),
            ("Aveiro", "Aveiro"),
            ("Évora", "Évora"),
            ("Faro", "Faro"),
            ("Leiria", "Leiria"),
            ("Viseu", "Viseu"),
            ("Setúbal", "Setúbal"),
            ("Bragança", "Bragança"),
            ("Beja", "Beja"),
            ("Guarda", "Guarda"),
            ("Santarém", "Santarém"),
            ("Tomar", "Tomar"),
            ("Castelo Branco", "Castelo Branco"),
            ("Viana do Castelo", "Viana do Castelo"),
            ("Portalegre", "Portalegre"),
            ("Funchal", "Funchal"),
            ("Ponta Delgada", "Ponta Delgada"),
            ("Braga", "Braga"),
        )
    ],
    "SE": [
        (c, c, e)
        for c, e in (
            ("Uppsala", "Uppsala"),
            ("Lund", "Lund"),
            ("Göteborg", "Gothenburg"),
            ("Stockholm", "Stockholm"),
            ("Umeå", "Umeå"),
            ("Linköping", "Linköping"),
            ("Örebro", "Örebro"),
            ("Karlstad", "Karlstad"),
            ("Växjö", "Växjö"),
            ("Malmö", "Malmö"),
            ("Luleå", "Luleå"),
            ("Borås", "Borås"),
            ("Skövde", "Skövde"),
            ("Halmstad", "Halmstad"),
            ("Jönköping", "Jönköping"),
            ("Gävle", "Gävle"),
            ("Kristianstad", "Kristianstad"),
            ("Sundsvall", "Sundsvall"),
            ("Kalmar", "Kalmar"),
            ("Västerås", "Västerås"),
        )
    ],
    "CZ": [
        ("Praha", "v Praze", "Prague"),
        ("Brno", "v Brně", "Brno"),
        ("Ostrava", "v Ostravě", "Ostrava"),
        ("Plzeň", "v Plzni", "Pilsen"),
        ("Olomouc", "v Olomouci", "Olomouc"),
        ("Liberec", "v Liberci", "Liberec"),
        ("Pardubice", "v Pardubicích", "Pardubice"),
        ("Zlín", "ve Zlíně", "Zlín"),
        ("Opava", "v Opavě", "Opava"),
        ("Jihlava", "v Jihlavě", "Jihlava"),
        ("Hradec Králové", "v Hradci Králové", "Hradec Králové"),
        ("Ústí nad Labem", "v Ústí nad Labem", "Ústí nad Labem"),
        ("České Budějovice", "v Českých Budějovicích", "České Budějovice"),
        ("Karviná", "v Karviné", "Karviná"),
        ("Kolín", "v Kolíně", "Kolín"),
    ],
    "FI": [
        ("Helsinki", "Helsingin", "Helsinki", "Helsingfors"),
        ("Turku", "Turun", "Turku", "Åbo"),
        ("Tampere", "Tampereen", "Tampere", "Tammerfors"),
        ("Oulu", "Oulun", "Oulu", "Uleåborg"),
        ("Jyväskylä", "Jyväskylän", "Jyväskylä", "Jyväskylä"),
        ("Vaasa", "Vaasan", "Vaasa", "Vasa"),
        ("Lahti", "Lahden", "Lahti", "Lahtis"),
        ("Kuopio", "Kuopion", "Kuopio", "Kuopio"),
        ("Joensuu", "Joensuun", "Joensuu", "Joensuu"),
        ("Lappeenranta", "Lappeenrannan", "Lappeenranta", "Villmanstrand"),
        ("Pori", "Porin", "Pori", "Björneborg"),
        ("Kajaani", "Kajaanin", "Kajaani", "Kajana"),
        ("Rovaniemi", "Rovaniemen", "Rovaniemi", "Rovaniemi"),
        ("Seinäjoki", "Seinäjoen", "Seinäjoki", "Seinäjoki"),
        ("Kokkola", "Kokkolan", "Kokkola", "Karleby"),
        ("Mikkeli", "Mikkelin", "Mikkeli", "S:t Michel"),
        ("Hämeenlinna", "Hämeenlinnan", "Hämeenlinna", "Tavastehus"),
        ("Kotka", "Kotkan", "Kotka", "Kotka"),
        ("Espoo", "Espoon", "Espoo", "Esbo"),
        ("Vantaa", "Vantaan", "Vantaa", "Vanda"),
    ],
    "GR": [
        ("Αθήνα", "Αθηνών", "Athens"),
        ("Πάτρα", "Πατρών", "Patras"),
        ("Ιωάννινα", "Ιωαννίνων", "Ioannina"),
        ("Κρήτη", "Κρήτης", "Crete"),
        ("Θεσσαλία", "Θεσσαλίας", "Thessaly"),
        ("Αιγαίο", "Αιγαίου", "the Aegean"),
        ("Πελοπόννησος", "Πελοποννήσου", "the Peloponnese"),
        ("Μακεδονία", "Μακεδονίας", "Macedonia"),
        ("Δυτική Αττική", "Δυτικής Αττικής", "West Attica"),
        ("Πειραιάς", "Πειραιώς", "Piraeus"),
        ("Δυτική Μακεδονία", "Δυτικής Μακεδονίας", "Western Macedonia"),
        ("Ιόνιο", "Ιονίου", "the Ionian"),
        ("Θράκη", "Θράκης", "Thrace"),
        ("Θεσσαλονίκη", "Θεσσαλονίκης", "Thessaloniki"),
    ],
    "GB": [
        (c, c, c, w)
        for c, w in (
            ("Leeds", ""),
            ("Sheffield", ""),
            ("Bristol", ""),
            ("Cardiff", "Caerdydd"),
            ("Swansea", "Abertawe"),
            ("Bangor", "Bangor"),
            ("Glasgow", ""),
            ("Edinburgh", ""),
            ("Aberdeen", ""),
            ("Dundee", ""),
            ("Belfast", ""),
            ("Manchester", ""),
            ("Liverpool", ""),
            ("Birmingham", ""),
            ("Nottingham", ""),
            ("Leicester", ""),
            ("Coventry", ""),
            ("Plymouth", ""),
            ("Exeter", ""),
            ("York", ""),
            ("London", ""),
            ("Wrexham", "Wrecsam"),
            ("Newport", "Casnewydd"),
        )
    ],
    "IE": [
        (c, c, c, g)
        for c, g in (
            ("Dublin", "Baile Átha Cliath"),
            ("Cork", "Corcaigh"),
            ("Galway", "Gaillimh"),
            ("Limerick", "Luimneach"),
            ("Waterford", "Port Láirge"),
            ("Sligo", "Sligeach"),
            ("Athlone", "Baile Átha Luain"),
            ("Dundalk", "Dún Dealgan"),
            ("Letterkenny", "Leitir Ceanainn"),
            ("Carlow", "Ceatharlach"),
            ("Tralee", "Trá Lí"),
            ("Kilkenny", "Cill Chainnigh"),
            ("Wexford", "Loch Garman"),
            ("Mayo", "Maigh Eo"),
        )
    ],
}
SCOTTISH_CITIES = {"Glasgow", "Edinburgh", "Aberdeen", "Dundee"}
WELSH_CITIES = {"Cardiff", "Swansea", "Bangor", "Wrexham", "Newport"}

# University templates: (local name, English name, other-language alias or ""); {c} the local
# city, {f} its form in the template (locative, genitive), {e} the English city, {o} the city in
# the country's other language. Templates sharing a group differ in one word at one city
# (University of East/West London).
UNIVERSITY_TEMPLATES = {
    "PL": [
        ("Uniwersytet Ekonomiczny {f}", "University of Economics in {e}", ""),
        ("Uniwersytet Medyczny {f}", "Medical University of {e}", ""),
        ("Akademia Wychowania Fizycznego {f}", "University of Physical Education in {e}", ""),
        ("Wyższa Szkoła Bankowa {f}", "WSB University in {e}", ""),
        ("Akademia Sztuk Pięknych {f}", "Academy of Fine Arts in {e}", ""),
        ("Uniwersytet Przyrodniczy {f}", "University of Life Sciences in {e}", ""),
        ("Akademia Muzyczna {f}", "Academy of Music in {e}", ""),
        ("Państwowa Akademia Nauk Stosowanych {f}", "State Academy of Applied Sciences in {e}", ""),
        ("Centrum Kształcenia Ustawicznego {f}", "Centre for Continuing Education in {e}", ""),
        (
            "Wyższa Szkoła Informatyki i Zarządzania {f}",
            "University of Information Technology and Management in {e}",
            "",
        ),
    ],
    "IT": [
        ("Università degli Studi di {c}", "University of {e}", ""),
        ("Politecnico di {c}", "Polytechnic University of {e}", ""),
        ("Accademia di Belle Arti di {c}", "Academy of Fine Arts of {e}", ""),
        ("Conservatorio di Musica di {c}", "Conservatory of Music of {e}", ""),
        ("Istituto Tecnico Superiore di {c}", "Higher Technical Institute of {e}", ""),
        ("Scuola Superiore per Mediatori Linguistici di {c}", "School of Interpreting of {e}", ""),
        ("Centro per l'Apprendimento Permanente di {c}", "Lifelong Learning Centre of {e}", ""),
    ],
    "PT": [
        ("Universidade de {c}", "University of {e}", ""),
        ("Instituto Politécnico de {c}", "Polytechnic Institute of {e}", ""),
        ("Escola Superior de Enfermagem de {c}", "{e} School of Nursing", ""),
        (
            "Escola Superior de Tecnologia e Gestão de {c}",
            "School of Technology and Management of {e}",
            "",
        ),
        ("Universidade Nova de {c}", "NOVA University of {e}", ""),
        ("Escola Superior de Educação de {c}", "School of Education of {e}", ""),
        ("Conservatório Superior de Música de {c}", "Conservatory of Music of {e}", ""),
    ],
    "SE": [
        ("{c} universitet", "{e} University", ""),
        ("Högskolan i {c}", "University College of {e}", ""),
        ("{c} tekniska högskola", "{e} Institute of Technology", ""),
        ("Yrkeshögskolan i {c}", "{e} Higher Vocational Education", ""),
        ("Folkuniversitetet {c}", "Folkuniversitetet {e}", ""),
    ],
    "CZ": [
        ("Vysoká škola ekonomická {f}", "University of Economics in {e}", ""),
        ("Technická univerzita {f}", "Technical University of {e}", ""),
        ("Vysoké učení technické {f}", "{e} University of Technology", ""),
        ("Vysoká škola zdravotnická {f}", "College of Health Care in {e}", ""),
        ("Akademie výtvarných umění {f}", "Academy of Fine Arts in {e}", ""),
        ("Vysoká škola polytechnická {f}", "College of Polytechnics in {e}", ""),
        ("Centrum celoživotního vzdělávání {f}", "Centre for Lifelong Learning in {e}", ""),
    ],
    "FI": [
        ("{f} yliopisto", "University of {e}", "{o} universitet"),
        ("{f} ammattikorkeakoulu", "{e} University of Applied Sciences", "Yrkeshögskolan i {o}"),
        ("{f} kesäyliopisto", "Summer University of {e}", "Sommaruniversitetet i {o}"),
        ("{f} aikuiskoulutuskeskus", "{e} Adult Education Centre", "Vuxenutbildningscentret i {o}"),
    ],
    "GR": [
        (
            "Κέντρο Επιμόρφωσης και Διά Βίου Μάθησης Πανεπιστημίου {f}",
            "Centre for Continuing Education and Lifelong Learning, University of {e}",
            "ΚΕΔΙΒΙΜ Πανεπιστημίου {f}",
        ),
        (
            "Ινστιτούτο Επαγγελματικής Κατάρτισης {f}",
            "Vocational Training Institute of {e}",
            "ΙΕΚ {f}",
        ),
        (
            "Κέντρο Επαγγελματικής Εκπαίδευσης {f}",
            "Centre for Vocational Education of {e}",
            "",
        ),
    ],
    "GB": [
        ("University of {c}", "University of {c}", "Prifysgol {o}"),
        ("{c} Metropolitan University", "{c} Metropolitan University", ""),
        ("{c} College", "{c} College", "Coleg {o}"),
        ("University of East {c}", "University of East {c}", ""),
        ("University of West {c}", "University of West {c}", ""),
        ("{c} School of Art", "{c} School of Art", ""),
    ],
    "IE": [
        ("University of {c}", "University of {c}", "Ollscoil {o}"),
        ("{c} Institute of Technology", "{c} Institute of Technology", ""),
        ("{c} Education and Training Board", "{c} Education and Training Board", ""),
        ("{c} College of Further Education", "{c} College of Further Education", ""),
    ],
}
#: Templates that name a sibling of another (differ in one word at the same city).
TEMPLATE_GROUP = {("GB", 4): ("GB", 3)}

COMPANY_PARTS = (
    [
        "Nord",
        "Lumen",
        "Vega",
        "Orbit",
        "Kappa",
        "Astra",
        "Helix",
        "Nova",
        "Quanta",
        "Terra",
        "Delta",
        "Polar",
        "Sigma",
        "Vertex",
        "Aurora",
        "Cobalt",
        "Zenith",
        "Pixel",
        "Atlas",
        "Ember",
    ],
    [
        "soft",
        "data",
        "learn",
        "skill",
        "tech",
        "work",
        "lab",
        "mind",
        "path",
        "ware",
        "edu",
        "hub",
        "nest",
        "gate",
        "bit",
    ],
    ["", "ia", "on", "ex", "um", "ica", "ly", "io"],
)
COMPANY_FORMS = {  # local name template, English name template
    "PL": ("{b} Akademia sp. z o.o.", "{b} Academy"),
    "IT": ("{b} Formazione S.r.l.", "{b} Training"),
    "PT": ("{b} Formação Lda.", "{b} Training"),
    "SE": ("{b} Utbildning AB", "{b} Education"),
    "CZ": ("{b} Akademie s.r.o.", "{b} Academy"),
    "FI": ("{b} Koulutus Oy", "{b} Training"),
    "GR": ("{b} Εκπαιδευτική Μονοπρόσωπη Ι.Κ.Ε.", "{b} Education"),
    "GB": ("{b} Training Ltd", "{b} Training"),
    "IE": ("{b} Skills Ltd", "{b} Skills"),
}
#: Country code at the start of an Erasmus institution code, padded as Erasmus writes it.
ERASMUS_PREFIX = {
    "PL": "PL ",
    "IT": "I  ",
    "PT": "P  ",
    "SE": "S  ",
    "CZ": "CZ ",
    "FI": "SF ",
    "GR": "G  ",
    "GB": "UK ",
    "IE": "IRL",
}
TLD = {
    "PL": "edu.pl",
    "IT": "it",
    "PT": "pt",
    "SE": "se",
    "CZ": "cz",
    "FI": "fi",
    "GR": "gr",
    "GB": "ac.uk",
    "IE": "ie",
}
