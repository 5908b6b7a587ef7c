import { parseRows } from "./parse.js";

// element | chemical symbol
export const ELEMENTS = parseRows(
  `
hydrogen | H
helium | He
lithium | Li
beryllium | Be
boron | B
carbon | C
nitrogen | N
oxygen | O
fluorine | F
neon | Ne
sodium | Na
magnesium | Mg
aluminium | Al
silicon | Si
phosphorus | P
sulfur | S
chlorine | Cl
argon | Ar
potassium | K
calcium | Ca
scandium | Sc
titanium | Ti
vanadium | V
chromium | Cr
manganese | Mn
iron | Fe
cobalt | Co
nickel | Ni
copper | Cu
zinc | Zn
gallium | Ga
germanium | Ge
arsenic | As
selenium | Se
bromine | Br
krypton | Kr
rubidium | Rb
strontium | Sr
zirconium | Zr
molybdenum | Mo
palladium | Pd
silver | Ag
cadmium | Cd
tin | Sn
antimony | Sb
iodine | I
xenon | Xe
cesium | Cs
barium | Ba
tungsten | W
platinum | Pt
gold | Au
mercury | Hg
lead | Pb
bismuth | Bi
radon | Rn
radium | Ra
uranium | U
plutonium | Pu
`,
  2,
).map(([element, symbol]) => ({ element: element as string, symbol: symbol as string }));

export const ANIMAL_CLASSES = ["mammal", "bird", "reptile", "amphibian", "fish", "insect", "arachnid"];

// animal | class
export const ANIMALS = parseRows(
  `
dog | mammal
cat | mammal
horse | mammal
cow | mammal
whale | mammal
dolphin | mammal
bat | mammal
elephant | mammal
lion | mammal
tiger | mammal
bear | mammal
rabbit | mammal
mouse | mammal
monkey | mammal
kangaroo | mammal
giraffe | mammal
zebra | mammal
sheep | mammal
goat | mammal
pig | mammal
deer | mammal
wolf | mammal
fox | mammal
squirrel | mammal
otter | mammal
camel | mammal
hippo | mammal
gorilla | mammal
koala | mammal
hedgehog | mammal
beaver | mammal
seal | mammal
walrus | mammal
platypus | mammal
eagle | bird
owl | bird
penguin | bird
ostrich | bird
parrot | bird
sparrow | bird
robin | bird
duck | bird
swan | bird
pigeon | bird
crow | bird
flamingo | bird
hawk | bird
chicken | bird
peacock | bird
hummingbird | bird
pelican | bird
woodpecker | bird
seagull | bird
emu | bird
vulture | bird
snake | reptile
lizard | reptile
crocodile | reptile
alligator | reptile
turtle | reptile
tortoise | reptile
iguana | reptile
gecko | reptile
chameleon | reptile
cobra | reptile
python | reptile
frog | amphibian
toad | amphibian
salamander | amphibian
newt | amphibian
axolotl | amphibian
salmon | fish
shark | fish
tuna | fish
trout | fish
goldfish | fish
cod | fish
eel | fish
seahorse | fish
carp | fish
herring | fish
catfish | fish
swordfish | fish
clownfish | fish
piranha | fish
ant | insect
bee | insect
butterfly | insect
beetle | insect
mosquito | insect
grasshopper | insect
ladybug | insect
dragonfly | insect
wasp | insect
moth | insect
termite | insect
cockroach | insect
flea | insect
spider | arachnid
scorpion | arachnid
tick | arachnid
`,
  2,
).map(([animal, animalClass]) => ({ animal: animal as string, animalClass: animalClass as string }));

/** Numeric facts: a question, the same thing as a noun phrase, and the number. */
export const NUMBER_FACTS = parseRows(
  `
How many legs does a spider have? | the number of legs a spider has | 8
How many legs does an insect have? | the number of legs an insect has | 6
How many days are there in a week? | the number of days in a week | 7
How many months are there in a year? | the number of months in a year | 12
How many days are there in a leap year? | the number of days in a leap year | 366
How many hours are there in a day? | the number of hours in a day | 24
How many minutes are there in an hour? | the number of minutes in an hour | 60
How many sides does a triangle have? | the number of sides of a triangle | 3
How many sides does a pentagon have? | the number of sides of a pentagon | 5
How many sides does a hexagon have? | the number of sides of a hexagon | 6
How many sides does an octagon have? | the number of sides of an octagon | 8
How many players does a soccer team have on the field? | the number of players a soccer team has on the field | 11
How many continents are there? | the number of continents | 7
How many planets are in our solar system? | the number of planets in our solar system | 8
At how many degrees Celsius does water freeze? | the freezing point of water in degrees Celsius | 0
At how many degrees Celsius does water boil at sea level? | the boiling point of water at sea level in degrees Celsius | 100
How many strings does a standard guitar have? | the number of strings on a standard guitar | 6
How many keys does a standard piano have? | the number of keys on a standard piano | 88
How many bones are in the adult human body? | the number of bones in the adult human body | 206
How many chambers does the human heart have? | the number of chambers in the human heart | 4
How many colors are in a rainbow? | the number of colors in a rainbow | 7
How many cards are in a standard deck without jokers? | the number of cards in a standard deck without jokers | 52
How many squares are on a chessboard? | the number of squares on a chessboard | 64
How many years are in a century? | the number of years in a century | 100
How many years are in a decade? | the number of years in a decade | 10
How many things are in a dozen? | the number of things in a dozen | 12
How many arms does an octopus have? | the number of arms an octopus has | 8
How many degrees are in a right angle? | the number of degrees in a right angle | 90
How many centimeters are in a meter? | the number of centimeters in a meter | 100
How many grams are in a kilogram? | the number of grams in a kilogram | 1000
`,
  3,
).map(([question, phrase, value]) => ({ question: question as string, phrase: phrase as string, value: value as string }));
