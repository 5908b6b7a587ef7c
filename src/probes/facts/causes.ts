import { parseRows } from "./parse.js";

/**
 * Everyday causes and their usual effects, grouped by topic. Wrong options are always drawn
 * from other topics, so they are clearly not what the cause leads to. {p} is a person's
 * name; {his} and {he} their pronouns.
 */
export const CAUSES = parseRows(
  `
weather | {p} went out in the rain without an umbrella | {p} got wet
weather | {p} sat in the sun all afternoon without sunscreen | {p} got a sunburn
weather | it snowed heavily all night | the roads were covered in snow
weather | a strong wind blew through the town | several trees fell over
weather | the river rose after days of heavy rain | the fields near it flooded
kitchen | {p} left the ice cream on the table in the sun | the ice cream melted
kitchen | {p} forgot the bread in the hot oven | the bread burned
kitchen | {p} put a bottle of milk in the freezer overnight | the milk froze
kitchen | {p} added far too much salt to the soup | the soup tasted too salty
kitchen | {p} left the milk out of the fridge for a week | the milk went sour
kitchen | {p} dropped a glass bowl on the stone floor | the bowl shattered
kitchen | {p} forgot to turn off the stove | the pot boiled dry
garden | {p} forgot to water the plants for weeks | the plants wilted
garden | {p} planted seeds and watered them every day | small green shoots came up
garden | {p} kept a plant in a dark closet for a month | the plant turned pale and weak
garden | {p} pulled all the weeds in the garden | the flowers had more room to grow
body | {p} ran a long race on a hot day | {p} was out of breath and sweaty
body | {p} stayed up all night | {p} felt sleepy the next day
body | {p} ate a very large dinner | {p} felt too full to eat dessert
body | {p} skipped breakfast and lunch | {p} felt very hungry
body | {p} touched the hot stove | {p} burned {his} fingers
body | {p} stood outside in the snow without a coat | {p} started to shiver
body | {p} carried heavy boxes all day | {p} had a sore back
body | {p} did not warm up before the race | {p} pulled a muscle
devices | {p} forgot to charge {his} phone | the phone battery died
devices | {p} dropped {his} phone into the pool | the phone stopped working
devices | {p} spilled coffee on the keyboard | some keys stopped working
devices | the power went out in the whole street | all the lights went dark
devices | {p} pressed the doorbell | a bell rang inside the house
devices | {p} unplugged the fan | the fan stopped spinning
travel | {p} drove for hours without stopping for gas | the car ran out of fuel
travel | {p} rode {his} bike over a sharp nail | the bike tire went flat
travel | {p} left the car lights on all night | the car battery was dead in the morning
travel | the bus broke down on the highway | the passengers arrived late
travel | {p} missed the last train home | {p} had to take a taxi
travel | {p} forgot {his} passport at home | {p} could not board the flight
travel | {p} took the wrong bus | {p} ended up in the wrong part of town
pets | {p} forgot to feed the dog | the dog was hungry and whined
pets | {p} threw a ball across the yard | the dog ran to fetch it
pets | {p} left the garden gate open | the dog ran out of the yard
pets | {p} stepped on the cat's tail | the cat hissed and ran away
pets | {p} cleaned the fish tank | the water in the tank was clear again
school | {p} studied hard for the test | {p} got a good grade
school | {p} overslept on a school day | {p} was late for school
school | {p} left {his} homework at home | the teacher marked it as missing
school | {p} practiced the piano every day for a year | {p} played much better than before
school | {p} talked loudly during the exam | the teacher told {p} to be quiet
money | {p} spent all {his} money on toys | {p} could not afford lunch
money | {p} saved a little money every week for a year | {p} had enough to buy a bike
money | {p} lost {his} wallet on the bus | {p} could not pay for the groceries
money | {p} sold {his} old bike | {p} had some extra money
home | {p} left the bath water running | the bathroom floor flooded
home | {p} left the window open during the storm | rain soaked the carpet
home | {p} did not take out the trash for two weeks | the kitchen smelled bad
home | {p} turned on the air conditioner | the room got cooler
home | {p} opened all the windows on a freezing day | the house got cold
home | {p} lit a lamp in the dark room | the room became brighter
home | {p} hammered a nail into the wall | {p} could hang the picture
home | {p} mopped the floor | the floor was wet and shiny
sport | {p} kicked the ball hard toward the goal | the ball flew into the net
sport | {p} trained every morning for months | {p} ran faster than before
sport | the referee blew the final whistle | the game ended
sport | {p} swung the bat and hit the ball | the ball flew across the field
friends | {p} forgot {his} best friend's birthday | {his} friend felt hurt
friends | {p} told a very funny joke | everyone laughed
friends | {p} gave {his} mother a bunch of flowers | {his} mother smiled
friends | {p} won the school spelling contest | {p} felt proud
friends | {p} moved to a new city | {p} missed {his} old friends
physics | {p} let go of the balloon | the balloon floated away
physics | {p} dropped a ball from the roof | the ball fell to the ground
physics | {p} put ice cubes in the warm lemonade | the lemonade got colder
physics | {p} left an iron nail outside in the rain for months | the nail rusted
physics | {p} shook the soda bottle and opened it | soda sprayed everywhere
physics | {p} stretched the rubber band too far | the rubber band snapped
physics | {p} pushed the swing hard | the swing went high into the air
fire | {p} blew out the candles on the cake | the candle flames went out
fire | {p} poured water on the campfire | the campfire went out
fire | {p} put a dry log on the fire | the fire burned brighter
fire | {p} struck a match | the match burst into flame
`,
  3,
).map(([topic, cause, effect]) => ({ topic: topic as string, cause: cause as string, effect: effect as string }));

/** Goals and the action that best serves them. */
export const GOALS = parseRows(
  `
stay dry in the rain | take an umbrella
see in the dark | turn on a flashlight
keep the milk cold | put it in the fridge
wake up early | set an alarm
get warm on a cold night | put on a thick sweater
cut a sheet of paper | use scissors
learn a new language | practice speaking it every day
remember the shopping list | write it down
get stronger | lift weights regularly
find a book in the library | ask the librarian
know the time | look at a clock
stop feeling thirsty | drink some water
be on time for the train | leave home early
hang a picture | hammer a nail into the wall
boil water for tea | put the kettle on
clean muddy boots | wash them with water
see faraway stars | look through a telescope
grow tomatoes | plant seeds and water them
protect {his} eyes from the bright sun | wear sunglasses
carry a lot of groceries | bring a big bag
calm a crying baby | rock the baby gently
send a letter | take it to the post office
get to the top floor quickly | take the elevator
stay cool on a hot day | sit in the shade
fix a loose screw | use a screwdriver
keep the floor clean | wipe {his} shoes at the door
`,
  2,
).map(([goal, action]) => ({ goal: goal as string, action: action as string }));
