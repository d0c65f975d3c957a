// Word lists the demo organisation is made from. Plain data: realistic enough that a list of
// leads looks like a real inside-sales team's, varied enough that search and filters show something.

export type Market = {
  country: string;
  weight: number;
  language: 'en' | 'de' | 'fr' | 'nl' | 'nordic' | 'es' | 'it';
  tld: string;
  dial: string;
  /** Company legal forms, most common first. */
  legalForms: string[];
  cities: { city: string; region: string | null; postcode: string; areaCode: string }[];
};

// Weighted like a European-and-North-American inside sales funnel: the US first, then the UK and DACH.
export const MARKETS: Market[] = [
  {
    country: 'US', weight: 34, language: 'en', tld: 'com', dial: '+1', legalForms: ['Inc.', 'LLC', 'Corp.', ''],
    cities: [
      { city: 'New York', region: 'NY', postcode: '10001', areaCode: '212' },
      { city: 'San Francisco', region: 'CA', postcode: '94105', areaCode: '415' },
      { city: 'Austin', region: 'TX', postcode: '78701', areaCode: '512' },
      { city: 'Chicago', region: 'IL', postcode: '60601', areaCode: '312' },
      { city: 'Boston', region: 'MA', postcode: '02110', areaCode: '617' },
      { city: 'Seattle', region: 'WA', postcode: '98101', areaCode: '206' },
      { city: 'Denver', region: 'CO', postcode: '80202', areaCode: '303' },
      { city: 'Atlanta', region: 'GA', postcode: '30303', areaCode: '404' },
      { city: 'Raleigh', region: 'NC', postcode: '27601', areaCode: '919' },
      { city: 'Minneapolis', region: 'MN', postcode: '55401', areaCode: '612' },
    ],
  },
  {
    country: 'GB', weight: 15, language: 'en', tld: 'co.uk', dial: '+44', legalForms: ['Ltd', 'Ltd', 'plc', 'Group'],
    cities: [
      { city: 'London', region: 'England', postcode: 'EC2A 4NE', areaCode: '20' },
      { city: 'Manchester', region: 'England', postcode: 'M1 3HU', areaCode: '161' },
      { city: 'Edinburgh', region: 'Scotland', postcode: 'EH2 2ER', areaCode: '131' },
      { city: 'Bristol', region: 'England', postcode: 'BS1 4DJ', areaCode: '117' },
      { city: 'Leeds', region: 'England', postcode: 'LS1 4AP', areaCode: '113' },
      { city: 'Cardiff', region: 'Wales', postcode: 'CF10 1EP', areaCode: '29' },
    ],
  },
  {
    country: 'DE', weight: 12, language: 'de', tld: 'de', dial: '+49', legalForms: ['GmbH', 'GmbH', 'AG', 'GmbH & Co. KG', 'SE'],
    cities: [
      { city: 'Berlin', region: 'Berlin', postcode: '10115', areaCode: '30' },
      { city: 'München', region: 'Bayern', postcode: '80331', areaCode: '89' },
      { city: 'Hamburg', region: 'Hamburg', postcode: '20095', areaCode: '40' },
      { city: 'Köln', region: 'Nordrhein-Westfalen', postcode: '50667', areaCode: '221' },
      { city: 'Frankfurt am Main', region: 'Hessen', postcode: '60311', areaCode: '69' },
      { city: 'Stuttgart', region: 'Baden-Württemberg', postcode: '70173', areaCode: '711' },
      { city: 'Leipzig', region: 'Sachsen', postcode: '04109', areaCode: '341' },
    ],
  },
  {
    country: 'FR', weight: 8, language: 'fr', tld: 'fr', dial: '+33', legalForms: ['SAS', 'SA', 'SARL'],
    cities: [
      { city: 'Paris', region: 'Île-de-France', postcode: '75002', areaCode: '1' },
      { city: 'Lyon', region: 'Auvergne-Rhône-Alpes', postcode: '69002', areaCode: '4' },
      { city: 'Toulouse', region: 'Occitanie', postcode: '31000', areaCode: '5' },
      { city: 'Nantes', region: 'Pays de la Loire', postcode: '44000', areaCode: '2' },
      { city: 'Lille', region: 'Hauts-de-France', postcode: '59000', areaCode: '3' },
    ],
  },
  {
    country: 'NL', weight: 6, language: 'nl', tld: 'nl', dial: '+31', legalForms: ['B.V.', 'B.V.', 'N.V.'],
    cities: [
      { city: 'Amsterdam', region: 'Noord-Holland', postcode: '1012 AB', areaCode: '20' },
      { city: 'Rotterdam', region: 'Zuid-Holland', postcode: '3011 AD', areaCode: '10' },
      { city: 'Utrecht', region: 'Utrecht', postcode: '3511 AX', areaCode: '30' },
      { city: 'Eindhoven', region: 'Noord-Brabant', postcode: '5611 AZ', areaCode: '40' },
    ],
  },
  {
    country: 'CA', weight: 5, language: 'en', tld: 'ca', dial: '+1', legalForms: ['Inc.', 'Ltd.', 'Corp.'],
    cities: [
      { city: 'Toronto', region: 'ON', postcode: 'M5H 2N2', areaCode: '416' },
      { city: 'Vancouver', region: 'BC', postcode: 'V6B 1A1', areaCode: '604' },
      { city: 'Montréal', region: 'QC', postcode: 'H3B 1A7', areaCode: '514' },
    ],
  },
  {
    country: 'IE', weight: 3, language: 'en', tld: 'ie', dial: '+353', legalForms: ['Ltd', 'DAC'],
    cities: [
      { city: 'Dublin', region: 'Leinster', postcode: 'D02 X285', areaCode: '1' },
      { city: 'Cork', region: 'Munster', postcode: 'T12 X70A', areaCode: '21' },
    ],
  },
  {
    country: 'SE', weight: 3, language: 'nordic', tld: 'se', dial: '+46', legalForms: ['AB'],
    cities: [
      { city: 'Stockholm', region: 'Stockholms län', postcode: '111 52', areaCode: '8' },
      { city: 'Göteborg', region: 'Västra Götaland', postcode: '411 05', areaCode: '31' },
    ],
  },
  {
    country: 'DK', weight: 2, language: 'nordic', tld: 'dk', dial: '+45', legalForms: ['A/S', 'ApS'],
    cities: [{ city: 'København', region: 'Hovedstaden', postcode: '1050', areaCode: '' }],
  },
  {
    country: 'ES', weight: 3, language: 'es', tld: 'es', dial: '+34', legalForms: ['S.L.', 'S.A.'],
    cities: [
      { city: 'Madrid', region: 'Comunidad de Madrid', postcode: '28013', areaCode: '91' },
      { city: 'Barcelona', region: 'Cataluña', postcode: '08002', areaCode: '93' },
    ],
  },
  {
    country: 'IT', weight: 3, language: 'it', tld: 'it', dial: '+39', legalForms: ['S.r.l.', 'S.p.A.'],
    cities: [
      { city: 'Milano', region: 'Lombardia', postcode: '20121', areaCode: '02' },
      { city: 'Torino', region: 'Piemonte', postcode: '10121', areaCode: '011' },
      { city: 'Bologna', region: 'Emilia-Romagna', postcode: '40121', areaCode: '051' },
    ],
  },
  {
    country: 'CH', weight: 2, language: 'de', tld: 'ch', dial: '+41', legalForms: ['AG', 'GmbH'],
    cities: [
      { city: 'Zürich', region: 'ZH', postcode: '8001', areaCode: '44' },
      { city: 'Basel', region: 'BS', postcode: '4051', areaCode: '61' },
    ],
  },
  {
    country: 'AT', weight: 2, language: 'de', tld: 'at', dial: '+43', legalForms: ['GmbH', 'AG'],
    cities: [{ city: 'Wien', region: 'Wien', postcode: '1010', areaCode: '1' }],
  },
  {
    country: 'BE', weight: 2, language: 'fr', tld: 'be', dial: '+32', legalForms: ['SA', 'SRL', 'NV'],
    cities: [
      { city: 'Bruxelles', region: 'Bruxelles-Capitale', postcode: '1000', areaCode: '2' },
      { city: 'Antwerpen', region: 'Vlaanderen', postcode: '2000', areaCode: '3' },
    ],
  },
  {
    country: 'AU', weight: 3, language: 'en', tld: 'com.au', dial: '+61', legalForms: ['Pty Ltd'],
    cities: [
      { city: 'Sydney', region: 'NSW', postcode: '2000', areaCode: '2' },
      { city: 'Melbourne', region: 'VIC', postcode: '3000', areaCode: '3' },
    ],
  },
];

/** How a subsidiary names its country: "Atlas Logistics Deutschland GmbH". */
export const COUNTRY_LABELS: Record<string, string> = {
  US: 'USA', GB: 'UK', DE: 'Deutschland', FR: 'France', NL: 'Nederland', CA: 'Canada', IE: 'Ireland', SE: 'Sverige',
  DK: 'Danmark', ES: 'España', IT: 'Italia', CH: 'Schweiz', AT: 'Österreich', BE: 'Belgique', AU: 'Australia',
};

export const FIRST_NAMES: Record<Market['language'], string[]> = {
  en: [
    'James', 'Olivia', 'Michael', 'Emma', 'David', 'Sophia', 'Daniel', 'Ava', 'Matthew', 'Emily', 'Christopher', 'Grace',
    'Andrew', 'Chloe', 'Ryan', 'Hannah', 'Jessica', 'Thomas', 'Megan', 'Ben', 'Lauren', 'Nathan', 'Rachel', 'Kevin',
    'Priya', 'Wei', 'Carlos', 'Aisha', 'Mohammed', 'Mei', 'Raj', 'Fatima', 'Tyler', 'Jasmine', 'Liam', 'Zoe', 'Oliver',
    'Isla', 'Harry', 'Amelia', 'Jack', 'Charlotte', 'Connor', 'Siobhan', 'Aaron', 'Natalie', 'Marcus', 'Kimberly',
  ],
  de: [
    'Lukas', 'Anna', 'Jonas', 'Lena', 'Felix', 'Laura', 'Maximilian', 'Julia', 'Tobias', 'Katharina', 'Stefan', 'Sabine',
    'Florian', 'Miriam', 'Jan', 'Sarah', 'Markus', 'Claudia', 'Sebastian', 'Johanna', 'Matthias', 'Nina', 'Alexander',
    'Franziska', 'Moritz', 'Lea', 'Thorsten', 'Melanie', 'Can', 'Elif',
  ],
  fr: [
    'Lucas', 'Camille', 'Hugo', 'Chloé', 'Louis', 'Manon', 'Julien', 'Léa', 'Thomas', 'Inès', 'Nicolas', 'Sarah',
    'Antoine', 'Pauline', 'Maxime', 'Élodie', 'Romain', 'Claire', 'Mathieu', 'Amélie', 'Karim', 'Yasmine',
  ],
  nl: ['Daan', 'Emma', 'Sem', 'Julia', 'Lars', 'Sanne', 'Bram', 'Fleur', 'Thijs', 'Lotte', 'Ruben', 'Anouk', 'Jeroen', 'Marloes', 'Joost', 'Eva'],
  nordic: ['Erik', 'Astrid', 'Lars', 'Ingrid', 'Anders', 'Freja', 'Magnus', 'Sofia', 'Oskar', 'Maja', 'Nils', 'Elsa', 'Mads', 'Ida'],
  es: ['Alejandro', 'Lucía', 'Pablo', 'María', 'Javier', 'Carmen', 'Diego', 'Elena', 'Sergio', 'Laura', 'Álvaro', 'Marta'],
  it: ['Marco', 'Giulia', 'Luca', 'Francesca', 'Alessandro', 'Chiara', 'Matteo', 'Sara', 'Andrea', 'Valentina', 'Davide', 'Elena'],
};

export const LAST_NAMES: Record<Market['language'], string[]> = {
  en: [
    'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore',
    'Martin', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Hall', 'Young', 'King', 'Wright', 'Scott',
    'Green', 'Baker', 'Adams', 'Nelson', 'Campbell', 'Mitchell', 'Patel', 'Chen', 'Nguyen', 'Kim', 'Garcia', 'Rodriguez',
    'Singh', 'Khan', "O'Brien", 'Murphy', 'Evans', 'Hughes', 'Robinson', 'Cooper', 'Ward', 'Fletcher', 'Bennett', 'Reid',
  ],
  de: [
    'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch',
    'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Braun', 'Zimmermann', 'Krüger', 'Hartmann', 'Lange',
    'Werner', 'Krause', 'Lehmann', 'Köhler', 'Yılmaz', 'Kaya',
  ],
  fr: [
    'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent',
    'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Fournier', 'Girard', 'Benali', 'Lambert',
  ],
  nl: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks'],
  nordic: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsen', 'Hansen', 'Jensen', 'Nielsen', 'Lindqvist', 'Berg'],
  es: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Ruiz', 'Díaz'],
  it: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo'],
};

/** Company names are a stem plus an industry word, like "Bluepeak Logistics" or "Nordlicht Systeme". */
export const COMPANY_STEMS: Record<Market['language'], string[]> = {
  en: [
    'Blue', 'Bright', 'Clear', 'Silver', 'Iron', 'North', 'Summit', 'Pioneer', 'Harbor', 'Evergreen', 'Granite', 'Keystone',
    'Lumen', 'Nova', 'Atlas', 'Beacon', 'Cobalt', 'Crest', 'Falcon', 'Horizon', 'Maple', 'Meridian', 'Orbit', 'Quantum',
    'Redwood', 'Sterling', 'Vertex', 'Willow', 'Apex', 'Cedar', 'Copper', 'Everest', 'Juniper', 'Oak', 'Pine', 'Stone',
  ],
  de: ['Nord', 'Alpen', 'Rhein', 'Berg', 'Stahl', 'Licht', 'Hansa', 'Elb', 'Donau', 'Sonnen', 'Wald', 'Eichen', 'Brücken', 'Kraft', 'Stern', 'Falken'],
  fr: ['Azur', 'Lumière', 'Horizon', 'Étoile', 'Rivage', 'Sommet', 'Atlantique', 'Provence', 'Alpes', 'Loire', 'Océan', 'Cèdre'],
  nl: ['Polder', 'Dijk', 'Molen', 'Tulp', 'Delta', 'Haven', 'Zeeland', 'Oranje', 'Noorder', 'Rijn', 'Duin', 'Kanaal'],
  nordic: ['Nord', 'Fjord', 'Skog', 'Vik', 'Sol', 'Berg', 'Ljus', 'Havs', 'Ek', 'Stjärn'],
  es: ['Sol', 'Mar', 'Sierra', 'Iberia', 'Costa', 'Norte', 'Luz', 'Cumbre', 'Puerto', 'Olivo'],
  it: ['Monte', 'Sole', 'Mare', 'Alba', 'Stella', 'Vento', 'Lago', 'Aurora', 'Roma', 'Piave'],
};

export const COMPANY_SUFFIXES: Record<Market['language'], string[]> = {
  en: ['', 'way', 'field', 'point', 'line', 'stone', 'bridge', 'gate', 'wave', 'path', 'peak', 'works'],
  de: ['', 'feld', 'werk', 'tal', 'haus', 'blick', 'bau', 'ring'],
  fr: [''],
  nl: ['', 'poort', 'werk', 'land'],
  nordic: ['', 'by', 'lund', 'dal', 'vik'],
  es: [''],
  it: [''],
};

/** Industry words by industry, per language where it reads better in the local language. */
export const INDUSTRIES: { industry: string; weight: number; words: Partial<Record<Market['language'], string[]>> & { en: string[] } }[] = [
  { industry: 'Software', weight: 18, words: { en: ['Software', 'Labs', 'Systems', 'Cloud', 'Technologies', 'Digital'], de: ['Software', 'Systeme', 'Digital'], fr: ['Logiciels', 'Numérique', 'Technologies'] } },
  { industry: 'Financial Services', weight: 9, words: { en: ['Capital', 'Financial', 'Partners', 'Payments'], de: ['Finanz', 'Capital'], fr: ['Finance', 'Capital'] } },
  { industry: 'Manufacturing', weight: 12, words: { en: ['Manufacturing', 'Industries', 'Components', 'Engineering'], de: ['Maschinenbau', 'Technik', 'Werkzeuge', 'Industrie'], fr: ['Industrie', 'Mécanique'], nl: ['Techniek', 'Machinebouw'], it: ['Meccanica', 'Industrie'] } },
  { industry: 'Healthcare', weight: 8, words: { en: ['Health', 'Medical', 'Care', 'Diagnostics'], de: ['Medizintechnik', 'Gesundheit'], fr: ['Santé', 'Médical'] } },
  { industry: 'Retail', weight: 7, words: { en: ['Retail', 'Brands', 'Outfitters', 'Goods'], de: ['Handel', 'Warenhaus'], fr: ['Distribution', 'Commerce'] } },
  { industry: 'Logistics', weight: 7, words: { en: ['Logistics', 'Freight', 'Transport', 'Shipping'], de: ['Logistik', 'Spedition'], fr: ['Logistique', 'Transports'], nl: ['Logistiek', 'Transport'] } },
  { industry: 'Professional Services', weight: 8, words: { en: ['Consulting', 'Advisory', 'Group', 'Associates'], de: ['Beratung', 'Consulting'], fr: ['Conseil', 'Associés'] } },
  { industry: 'Education', weight: 4, words: { en: ['Learning', 'Academy', 'Education'], de: ['Akademie', 'Bildung'], fr: ['Formation', 'Académie'] } },
  { industry: 'Telecommunications', weight: 4, words: { en: ['Telecom', 'Networks', 'Communications'], de: ['Telekom', 'Netze'], fr: ['Télécom', 'Réseaux'] } },
  { industry: 'Energy', weight: 5, words: { en: ['Energy', 'Power', 'Solar', 'Renewables'], de: ['Energie', 'Solar', 'Stadtwerke'], fr: ['Énergie', 'Solaire'] } },
  { industry: 'Media', weight: 4, words: { en: ['Media', 'Studios', 'Publishing'], de: ['Medien', 'Verlag'], fr: ['Médias', 'Éditions'] } },
  { industry: 'Construction', weight: 5, words: { en: ['Construction', 'Builders', 'Developments'], de: ['Bau', 'Immobilien'], fr: ['Construction', 'Bâtiment'] } },
  { industry: 'Hospitality', weight: 3, words: { en: ['Hotels', 'Hospitality', 'Resorts'], de: ['Hotels', 'Gastronomie'], fr: ['Hôtels', 'Hôtellerie'] } },
  { industry: 'Insurance', weight: 3, words: { en: ['Insurance', 'Assurance', 'Mutual'], de: ['Versicherung'], fr: ['Assurances'] } },
  { industry: 'Real Estate', weight: 3, words: { en: ['Properties', 'Realty', 'Estates'], de: ['Immobilien'], fr: ['Immobilier'] } },
];

/** Job titles of the people inside sales reps call, by how often they turn up as leads. */
export const TITLES: { title: string; weight: number }[] = [
  { title: 'Head of Sales', weight: 6 }, { title: 'VP of Sales', weight: 4 }, { title: 'Sales Operations Manager', weight: 5 },
  { title: 'Chief Revenue Officer', weight: 2 }, { title: 'Marketing Manager', weight: 6 }, { title: 'Head of Marketing', weight: 4 },
  { title: 'Demand Generation Manager', weight: 3 }, { title: 'IT Director', weight: 5 }, { title: 'CTO', weight: 3 },
  { title: 'IT Manager', weight: 5 }, { title: 'Head of Procurement', weight: 3 }, { title: 'Purchasing Manager', weight: 4 },
  { title: 'Operations Director', weight: 4 }, { title: 'Operations Manager', weight: 5 }, { title: 'CFO', weight: 3 },
  { title: 'Finance Manager', weight: 4 }, { title: 'Controller', weight: 2 }, { title: 'CEO', weight: 3 },
  { title: 'Managing Director', weight: 3 }, { title: 'Founder', weight: 2 }, { title: 'Head of Customer Success', weight: 3 },
  { title: 'Customer Support Lead', weight: 3 }, { title: 'HR Director', weight: 2 }, { title: 'Business Analyst', weight: 3 },
  { title: 'Project Manager', weight: 4 }, { title: 'Office Manager', weight: 2 }, { title: 'Product Manager', weight: 3 },
];

export const LEAD_SOURCE_WEIGHTS: { source: string; weight: number }[] = [
  { source: 'web_form', weight: 30 }, { source: 'outbound', weight: 20 }, { source: 'import', weight: 12 },
  { source: 'event', weight: 9 }, { source: 'referral', weight: 8 }, { source: 'partner', weight: 8 },
  { source: 'api', weight: 5 }, { source: 'manual', weight: 6 }, { source: 'customer', weight: 2 },
];

/** What reps jot down about a lead; most leads have no note. */
export const LEAD_NOTES = [
  'Asked for pricing for about 50 seats.',
  'Downloaded the ROI guide; follow up on the webinar.',
  'Met at the trade show booth, wants a demo next quarter.',
  'Currently on a competitor, contract renews in the autumn.',
  'Gatekeeper said to call back after the budget meeting.',
  'Interested in the API and the CSV import.',
  'Referred by an existing customer.',
  'Left a voicemail twice, try email.',
  'Evaluating three vendors; decision expected this quarter.',
  'Needs approval from the CFO for anything above 10k.',
  'Hiring SDRs; pain is lead routing.',
  'Not the decision maker; introduced us to their head of sales ops.',
];

export const CONTACT_TITLES = [
  'CEO', 'CFO', 'COO', 'CTO', 'VP of Sales', 'VP of Marketing', 'Head of IT', 'Procurement Manager', 'Operations Director',
  'Finance Director', 'Sales Operations Lead', 'Head of Customer Success', 'Legal Counsel', 'Project Lead', 'Office Manager',
];
