"""Names for synthetic students: Dutch and international, so the demo looks like a real cohort."""

FIRST_NAMES = (
    "Sanne", "Lotte", "Daan", "Bram", "Femke", "Jeroen", "Anouk", "Ruben", "Iris", "Thijs", "Noor", "Sem", "Eva",
    "Lars", "Fleur", "Joost", "Maaike", "Wouter", "Esmee", "Niels", "Lieke", "Stijn", "Roos", "Koen", "Floor",
    "Mohammed", "Fatima", "Yusuf", "Aylin", "Priya", "Arjun", "Wei", "Mei", "Hiroshi", "Yuki", "Sofia", "Mateo",
    "Camila", "Lucas", "Ana", "João", "Chiara", "Luca", "Elena", "Maximilian", "Lena", "Jonas", "Astrid", "Erik",
    "Ingrid", "Olga", "Dmitri", "Zeynep", "Emre", "Amara", "Kwame", "Chloé", "Léa", "Søren", "Zoë", "Björn",
    "Nadia", "Omar", "Layla", "Diego", "Valentina", "Siobhán", "Aoife", "Kateřina", "Łukasz", "Ngozi", "Tomás",
)
LAST_NAMES = (
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "van Dijk", "Janssen", "Kok", "Verhoeven", "van der Meer", "El Amrani", "Yılmaz", "Kaya", "Öztürk", "Patel",
    "Sharma", "Nguyen", "Chen", "Wang", "Tanaka", "Kim", "García", "Rodríguez", "Silva", "Santos", "Rossi",
    "Bianchi", "Müller", "Schmidt", "Schneider", "Andersson", "Johansson", "Nilsson", "Ivanova", "Kowalski",
    "Novák", "Okafor", "Mensah", "Dubois", "Lefèvre", "Ó Briain", "Murphy", "Papadopoulos", "Haddad", "Costa",
)
HOSTS = (
    ("Amsterdam UMC", "Cancer Center Amsterdam", True), ("Amsterdam UMC", "Radiology and Nuclear Medicine", True),
    ("Amsterdam UMC", "Epidemiology and Data Science", True), ("Amsterdam UMC", "Medical Oncology", True),
    ("Erasmus MC", "Molecular Genetics", True), ("UMC Utrecht", "Center for Translational Immunology", True),
    ("Netherlands Cancer Institute", "Molecular Pathology", False), ("Sanquin", "Blood Cell Research", False),
    ("Hubrecht Institute", "Organoid Group", False), ("Vrije Universiteit", "Bioinformatics", False),
)
ABROAD = (
    ("Karolinska Institutet", "Sweden", "green"), ("University of Oxford", "United Kingdom", "green"),
    ("Charité", "Germany", "green"), ("Institut Curie", "France", "green"), ("Harvard Medical School", "United States", "green"),
    ("University of Cape Town", "South Africa", "yellow"), ("Universidad de Chile", "Chile", "yellow"),
    ("Aga Khan University", "Pakistan", "orange"),
)
PEOPLE = (
    "dr. A. Jansen", "dr. M. de Jong", "prof. dr. H. Verbeek", "dr. S. Nguyen", "dr. K. Bakker", "prof. dr. L. Visser",
    "dr. E. Rossi", "dr. P. Müller", "dr. R. Smit", "prof. dr. C. Jimenez", "dr. T. Oostra", "dr. F. Haddad",
)
TOPICS = (
    "Liquid biopsies in colorectal cancer", "PET tracer kinetics", "Pharmacogenomics of tamoxifen",
    "Deep learning for MRI segmentation", "Organoid drug screening", "Biomarkers of treatment response",
    "Wearables in clinical trials", "CAR-T cell persistence", "Radiomics of lung nodules", "Microbiome and immunotherapy",
)
MEETING_TOPICS = ("Career in academia", "PhD applications", "Working in industry", "Networking at a conference",
                  "CV and cover letter", "Grant writing")
