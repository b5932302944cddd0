import type { DemoUsers } from './demo-users.js';

/** One organisation of the consortium, as the Partners database shows it. */
export interface PartnerSpec {
  key: string;
  name: string;
  short: string;
  country: string;
  city: string;
  type: string;
  role: 'Coordinator' | 'Partner';
  focus: string[];
  website: string;
  email: string;
  phone: string;
  lead: keyof DemoUsers;
  joined: string;
  budget: number;
  active: boolean;
  /** IANA time zone of the partner's city, for session dates. */
  timeZone: string;
  /** Offset of the time zone in winter and in summer (EU rules), in hours. */
  utcOffset: [number, number];
  place: { lat: number; lon: number; address: string };
  profile: string[];
}

/** The eight organisations of the MAGNET consortium. */
export const PARTNERS: PartnerSpec[] = [
  {
    key: 'danubia',
    name: 'Danubia University – Centre for Entrepreneurship',
    short: 'DU',
    country: 'Austria',
    city: 'Vienna',
    type: 'University',
    role: 'Coordinator',
    focus: ['Curriculum design', 'Evaluation', 'Project management'],
    website: 'https://entrepreneurship.danubia-university.example.org',
    email: 'magnet@danubia-university.example.org',
    phone: '+43 1 4277 1200',
    lead: 'coordinator',
    joined: '2024-01-01',
    budget: 412_500,
    active: true,
    timeZone: 'Europe/Vienna',
    utcOffset: [1, 2],
    place: { lat: 48.2131, lon: 16.3605, address: 'Universitätsring 1, 1010 Wien, Austria' },
    profile: [
      'The Centre for Entrepreneurship coordinates MAGNET. It chairs the steering committee, keeps the budget and the reporting calendar, and leads the evaluation work package.',
      'Its lecturers wrote the first drafts of Modules 1 and 5 of the Open Toolkit and host the Academy sessions in Vienna, most of them in the evening so that participants who work during the day can attend.',
    ],
  },
  {
    key: 'mfc',
    name: 'Microfinance Centre',
    short: 'MFC',
    country: 'Poland',
    city: 'Warsaw',
    type: 'Microfinance network',
    role: 'Partner',
    focus: ['Access to finance', 'Financial literacy'],
    website: 'https://www.mfc.org.pl',
    email: 'magnet@mfc.example.org',
    phone: '+48 22 622 34 65',
    lead: 'mfc',
    joined: '2024-01-01',
    budget: 198_000,
    active: true,
    timeZone: 'Europe/Warsaw',
    utcOffset: [1, 2],
    place: { lat: 52.2297, lon: 21.0122, address: 'ul. Noakowskiego 10, 00-666 Warszawa, Poland' },
    profile: [
      'A network of microfinance institutions across Europe and Central Asia. In MAGNET it leads Module 2 (finance and microcredit) and connects Academy graduates with lenders that accept applicants without a long credit history.',
      'Its readiness checklist is the most downloaded document of the toolkit.',
    ],
  },
  {
    key: 'ithr',
    name: 'Institute for Technology and Human Resources',
    short: 'ITHR',
    country: 'Romania',
    city: 'Bucharest',
    type: 'Research institute',
    role: 'Partner',
    focus: ['Digital skills', 'HR and hiring', 'E-learning platform'],
    website: 'https://www.ithr.example.org',
    email: 'projects@ithr.example.org',
    phone: '+40 21 310 4455',
    lead: 'ithr',
    joined: '2024-01-01',
    budget: 176_250,
    active: true,
    timeZone: 'Europe/Bucharest',
    utcOffset: [2, 3],
    place: { lat: 44.4268, lon: 26.1025, address: 'Bd. Regina Elisabeta 4, 030018 București, Romania' },
    profile: [
      'ITHR built and hosts the e-learning version of the Open Toolkit and leads Module 4 (digital marketing) and the HR half of Module 5.',
      'Its researchers run the skills self-assessment that every Academy participant fills in at the start and at the end of a cohort.',
    ],
  },
  {
    key: 'singa',
    name: 'SINGA',
    short: 'SINGA',
    country: 'Germany',
    city: 'Berlin',
    type: 'NGO',
    role: 'Partner',
    focus: ['Community building', 'Incubation', 'Outreach'],
    website: 'https://www.singa-deutschland.com',
    email: 'magnet@singa.example.org',
    phone: '+49 30 2390 8877',
    lead: 'singa',
    joined: '2024-01-01',
    budget: 154_800,
    active: true,
    timeZone: 'Europe/Berlin',
    utcOffset: [1, 2],
    place: { lat: 52.5003, lon: 13.4207, address: 'Wiener Straße 10, 10999 Berlin, Germany' },
    profile: [
      'SINGA brings newcomers and locals together around entrepreneurial projects. It runs the Berlin cohorts of the Academy and organises Demo Day.',
      'Most of the outreach material (flyers in eleven languages, the WhatsApp community guidelines) comes from the SINGA team.',
    ],
  },
  {
    key: 'delitelabs',
    name: 'DELITELABS',
    short: 'DL',
    country: 'Netherlands',
    city: 'Amsterdam',
    type: 'Social enterprise',
    role: 'Partner',
    focus: ['Incubation', 'Peer learning'],
    website: 'https://www.delitelabs.com',
    email: 'hello@delitelabs.example.org',
    phone: '+31 20 893 2140',
    lead: 'delitelabs',
    joined: '2024-03-15',
    budget: 121_000,
    active: true,
    timeZone: 'Europe/Amsterdam',
    utcOffset: [1, 2],
    place: { lat: 52.3676, lon: 4.9041, address: 'Herengracht 182, 1016 BR Amsterdam, Netherlands' },
    profile: [
      'A school for entrepreneurs with a migration background. DELITELABS designed the peer-learning circle format that the Academy uses and trains new facilitators twice a year.',
    ],
  },
  {
    key: 'tern',
    name: 'TERN – The Entrepreneurial Refugee Network',
    short: 'TERN',
    country: 'United Kingdom',
    city: 'London',
    type: 'NGO',
    role: 'Partner',
    focus: ['Mentoring', 'Incubation', 'Outreach'],
    website: 'https://www.wearetern.org',
    email: 'magnet@tern.example.org',
    phone: '+44 20 3930 1188',
    lead: 'tern',
    joined: '2024-01-01',
    budget: 139_400,
    active: true,
    timeZone: 'Europe/London',
    utcOffset: [0, 1],
    place: { lat: 51.5246, lon: -0.0786, address: '1 Curtain Road, London EC2A 3JX, United Kingdom' },
    profile: [
      'TERN supports refugees to start businesses through its Hatch and Elevate programmes. In MAGNET it runs the mentor pool and wrote the mentoring code of conduct.',
    ],
  },
  {
    key: 'eucen',
    name: 'eucen – European University Continuing Education Network',
    short: 'eucen',
    country: 'Belgium',
    city: 'Brussels',
    type: 'University network',
    role: 'Partner',
    focus: ['Dissemination', 'Quality assurance', 'Recognition of learning'],
    website: 'https://www.eucen.eu',
    email: 'office@eucen.example.org',
    phone: '+32 2 888 0130',
    lead: 'eucen',
    joined: '2024-01-01',
    budget: 88_900,
    active: true,
    timeZone: 'Europe/Brussels',
    utcOffset: [1, 2],
    place: { lat: 50.8467, lon: 4.3525, address: 'Rue de la Loi 155, 1040 Bruxelles, Belgium' },
    profile: [
      'A network of universities active in lifelong learning. eucen leads dissemination and the micro-credential that Academy graduates receive, and reviews every toolkit module before publication.',
    ],
  },
  {
    key: 'vuzf',
    name: 'VUZF University',
    short: 'VUZF',
    country: 'Bulgaria',
    city: 'Sofia',
    type: 'University',
    role: 'Partner',
    focus: ['Legal and tax', 'Curriculum design', 'Translation'],
    website: 'https://www.vuzf.bg',
    email: 'magnet@vuzf.example.org',
    phone: '+359 2 401 5800',
    lead: 'vuzf',
    joined: '2024-01-01',
    budget: 131_700,
    active: false,
    timeZone: 'Europe/Sofia',
    utcOffset: [2, 3],
    place: { lat: 42.6795, lon: 23.3198, address: 'ul. Gusla 1, 1618 Sofia, Bulgaria' },
    profile: [
      'A private university for finance, insurance and business. VUZF leads Module 3 (legal status and registration), hosted two partner meetings and translated the toolkit into Bulgarian.',
      'Its participation ended in September 2025 when its work package was complete; the Bulgarian handbook stays in the toolkit.',
    ],
  },
];
