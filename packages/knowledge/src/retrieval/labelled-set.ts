/**
 * A small labelled retrieval set written for this repository: short documents on distinct
 * topics, questions phrased differently from the text, and the document that answers each.
 */
export interface LabelledDocument {
  id: string;
  text: string;
}

export interface LabelledQuestion {
  question: string;
  answer: string;
}

export const LABELLED_DOCUMENTS: readonly LabelledDocument[] = [
  {
    id: 'volcano',
    text: 'Mount Etna on Sicily is the most active volcano in Europe; its eruptions have been recorded for more than 2,700 years.',
  },
  {
    id: 'bees',
    text: 'Honey bees communicate the direction of flowers to their hive mates with a waggle dance performed on the comb.',
  },
  {
    id: 'bread',
    text: 'Sourdough bread rises thanks to a starter of wild yeast and lactic acid bacteria, fed with flour and water.',
  },
  {
    id: 'chess',
    text: 'In chess, castling moves the king two squares towards a rook, which then jumps over to the other side of the king.',
  },
  {
    id: 'tides',
    text: 'Ocean tides are caused mainly by the gravitational pull of the Moon, with a smaller contribution from the Sun.',
  },
  {
    id: 'bicycle',
    text: 'A bicycle derailleur shifts the chain between sprockets so the rider can change gear while pedalling.',
  },
  {
    id: 'coffee',
    text: 'Espresso is brewed by forcing hot water at about nine bars of pressure through finely ground coffee.',
  },
  {
    id: 'penguins',
    text: 'Emperor penguins breed during the Antarctic winter, and the males incubate the single egg on their feet.',
  },
  {
    id: 'rust',
    text: 'Iron rusts when it reacts with oxygen and water, forming hydrated iron oxide that flakes away.',
  },
  {
    id: 'violin',
    text: 'A violin has four strings tuned in fifths: G, D, A and E, played with a bow strung with horsehair.',
  },
  {
    id: 'compost',
    text: 'Garden compost needs a mix of green nitrogen-rich waste and brown carbon-rich material, turned for air.',
  },
  {
    id: 'lighthouse',
    text: 'The Pharos of Alexandria was an ancient lighthouse, one of the seven wonders of the ancient world.',
  },
  {
    id: 'router',
    text: 'The router model HX-4410 supports Wi-Fi 6 and has four gigabit Ethernet ports on the back panel.',
  },
  {
    id: 'pasta',
    text: 'Fresh pasta is made from flour and eggs, kneaded into a dough and rolled thin before cutting.',
  },
  {
    id: 'marathon',
    text: 'The marathon distance was fixed at 42.195 kilometres at the 1908 London Olympic Games.',
  },
  {
    id: 'solar',
    text: 'Solar panels convert sunlight into electricity using photovoltaic cells made of silicon.',
  },
  {
    id: 'glacier',
    text: 'Glaciers form where more snow falls in winter than melts in summer, compressing slowly into ice.',
  },
  {
    id: 'ink',
    text: 'Squid and octopus release a cloud of dark ink to confuse predators while they escape.',
  },
  {
    id: 'sleep',
    text: 'Adults generally need seven to nine hours of sleep a night; deep sleep helps the body repair itself.',
  },
  {
    id: 'passport',
    text: 'To renew a passport you need the old passport, a recent photo and the completed application form.',
  },
];

export const LABELLED_QUESTIONS: readonly LabelledQuestion[] = [
  { question: 'Which volcano in Europe erupts most often?', answer: 'volcano' },
  { question: 'How do bees tell each other where flowers are?', answer: 'bees' },
  { question: 'What makes sourdough rise?', answer: 'bread' },
  { question: 'How does castling work in chess?', answer: 'chess' },
  { question: 'What causes the tides of the ocean?', answer: 'tides' },
  { question: 'What does a derailleur do on a bicycle?', answer: 'bicycle' },
  { question: 'At what pressure is espresso brewed?', answer: 'coffee' },
  { question: 'Which penguin parent keeps the egg warm?', answer: 'penguins' },
  { question: 'Why does iron rust?', answer: 'rust' },
  { question: 'How are the strings of a violin tuned?', answer: 'violin' },
  { question: 'What goes into good garden compost?', answer: 'compost' },
  { question: 'Which ancient lighthouse was a wonder of the world?', answer: 'lighthouse' },
  { question: 'How many Ethernet ports does the HX-4410 have?', answer: 'router' },
  { question: 'What is fresh pasta made from?', answer: 'pasta' },
  { question: 'How long is a marathon in kilometres?', answer: 'marathon' },
  { question: 'How do solar panels make electricity?', answer: 'solar' },
  { question: 'How do glaciers form?', answer: 'glacier' },
  { question: 'Why do octopus release ink?', answer: 'ink' },
  { question: 'How many hours of sleep do adults need?', answer: 'sleep' },
  { question: 'What do I need to renew my passport?', answer: 'passport' },
];
