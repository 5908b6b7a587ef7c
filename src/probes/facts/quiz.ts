import { parseRows } from "./parse.js";

/**
 * One-off general-knowledge questions. Each lists its own wrong answers (at least three,
 * separated by ";"), chosen to be the same kind of thing as the answer and clearly wrong.
 */
export const QUIZ = parseRows(
  `
Which planet is known as the Red Planet? | Mars | Venus; Jupiter; Saturn; Mercury
Which is the largest planet in our solar system? | Jupiter | Saturn; Earth; Neptune; Mars
Which planet is closest to the Sun? | Mercury | Venus; Earth; Mars; Neptune
Which planet is famous for its wide, bright rings? | Saturn | Mars; Mercury; Venus; Earth
Which planet do we live on? | Earth | Mars; Venus; Jupiter; Mercury
Which planet is farthest from the Sun? | Neptune | Mercury; Mars; Venus; Earth
Which planet is the hottest? | Venus | Mars; Neptune; Uranus; Saturn
What is the largest ocean on Earth? | the Pacific Ocean | the Atlantic Ocean; the Indian Ocean; the Arctic Ocean
Which ocean lies between Europe and North America? | the Atlantic Ocean | the Pacific Ocean; the Indian Ocean; the Arctic Ocean
What is the tallest mountain in the world? | Mount Everest | Mont Blanc; Mount Kilimanjaro; Mount Fuji; Denali
What is the largest animal on Earth? | the blue whale | the elephant; the giraffe; the hippo; the polar bear
What is the fastest land animal? | the cheetah | the horse; the lion; the elephant; the bear
What is the tallest animal? | the giraffe | the elephant; the horse; the camel; the ostrich
Which gas do plants take in from the air to make food? | carbon dioxide | oxygen; helium; neon; hydrogen
Which gas do people need to breathe in to live? | oxygen | carbon dioxide; helium; neon; hydrogen
What is the natural satellite of Earth called? | the Moon | the Sun; Mars; Venus; Polaris
What is the star at the center of our solar system? | the Sun | the Moon; Polaris; Sirius; Jupiter
What is frozen water called? | ice | steam; salt; sand; glass
What is the hardest natural material? | diamond | gold; silver; chalk; copper
Which organ pumps blood around the body? | the heart | the lungs; the liver; the brain; the stomach
Which organ do people think with? | the brain | the heart; the liver; the stomach; the kidneys
Which organs do people breathe with? | the lungs | the kidneys; the liver; the stomach; the heart
What do bees make from flower nectar? | honey | milk; silk; butter; cheese
Which animal gives us wool? | the sheep | the cow; the pig; the chicken; the horse
Which animal gives us most of the milk we drink? | the cow | the sheep; the pig; the chicken; the horse
What color is a ripe banana? | yellow | blue; purple; black; green
What color is fresh grass? | green | blue; red; purple; orange
What color is fresh snow? | white | green; red; black; orange
What color is the sky on a clear day? | blue | green; red; black; brown
What color is coal? | black | white; yellow; pink; blue
Who was the first person to walk on the Moon? | Neil Armstrong | Yuri Gagarin; John Glenn; Buzz Aldrin; Alan Shepard
Who developed the theory of relativity? | Albert Einstein | Isaac Newton; Charles Darwin; Marie Curie; Louis Pasteur
Who proposed the theory of evolution by natural selection? | Charles Darwin | Albert Einstein; Isaac Newton; Galileo Galilei; Marie Curie
Who discovered penicillin? | Alexander Fleming | Louis Pasteur; Marie Curie; Isaac Newton; Charles Darwin
Who described the laws of motion and universal gravity? | Isaac Newton | Albert Einstein; Charles Darwin; Marie Curie; Nikola Tesla
Who was the first President of the United States? | George Washington | Abraham Lincoln; Thomas Jefferson; John Adams; Theodore Roosevelt
Who won two Nobel Prizes for her work on radioactivity? | Marie Curie | Ada Lovelace; Rosalind Franklin; Jane Goodall; Florence Nightingale
Which is the largest country by area? | Russia | Canada; China; Brazil; Australia
Which is the largest continent? | Asia | Africa; Europe; North America; South America
What is the largest hot desert in the world? | the Sahara | the Gobi; the Kalahari; the Atacama; the Mojave
In which country are the Pyramids of Giza? | Egypt | Mexico; Peru; Greece; Italy
Which metal is liquid at room temperature? | mercury | iron; copper; silver; aluminium
Which vitamin does the skin make in sunlight? | vitamin D | vitamin C; vitamin A; vitamin K; vitamin B12
Which blood cells carry oxygen around the body? | red blood cells | white blood cells; platelets; nerve cells; skin cells
What is the common name for H2O? | water | salt; sugar; chalk; vinegar
What do we call an animal that eats only plants? | a herbivore | a carnivore; an omnivore; a predator; a scavenger
What do we call an animal that eats only meat? | a carnivore | a herbivore; an omnivore; a pollinator; a grazer
What force pulls objects toward the ground? | gravity | magnetism; friction; electricity; wind
Which instrument has black and white keys and 88 of them? | the piano | the violin; the guitar; the flute; the trumpet
Which sport is played at Wimbledon? | tennis | golf; cricket; rugby; baseball
How often are the Summer Olympic Games usually held? | every four years | every year; every two years; every ten years; every six years
`,
  3,
).map(([question, answer, wrong]) => ({
  question: question as string,
  answer: answer as string,
  wrong: (wrong as string).split(";").map((w) => w.trim()),
}));
