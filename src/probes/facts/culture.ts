import { parseRows } from "./parse.js";

export type WorkKind = "book" | "painting" | "music";

// title | creator | kind
export const WORKS = parseRows(
  `
Romeo and Juliet | William Shakespeare | book
Hamlet | William Shakespeare | book
Macbeth | William Shakespeare | book
Pride and Prejudice | Jane Austen | book
Emma | Jane Austen | book
Nineteen Eighty-Four | George Orwell | book
Animal Farm | George Orwell | book
Don Quixote | Miguel de Cervantes | book
War and Peace | Leo Tolstoy | book
Anna Karenina | Leo Tolstoy | book
Moby-Dick | Herman Melville | book
The Odyssey | Homer | book
The Iliad | Homer | book
Oliver Twist | Charles Dickens | book
Great Expectations | Charles Dickens | book
A Christmas Carol | Charles Dickens | book
Frankenstein | Mary Shelley | book
Dracula | Bram Stoker | book
The Adventures of Tom Sawyer | Mark Twain | book
Adventures of Huckleberry Finn | Mark Twain | book
Crime and Punishment | Fyodor Dostoevsky | book
The Great Gatsby | F. Scott Fitzgerald | book
To Kill a Mockingbird | Harper Lee | book
The Hobbit | J. R. R. Tolkien | book
The Lord of the Rings | J. R. R. Tolkien | book
Jane Eyre | Charlotte Bronte | book
Wuthering Heights | Emily Bronte | book
The Divine Comedy | Dante Alighieri | book
Les Miserables | Victor Hugo | book
The Old Man and the Sea | Ernest Hemingway | book
Alice's Adventures in Wonderland | Lewis Carroll | book
The Raven | Edgar Allan Poe | book
The Catcher in the Rye | J. D. Salinger | book
Brave New World | Aldous Huxley | book
The Time Machine | H. G. Wells | book
The War of the Worlds | H. G. Wells | book
Treasure Island | Robert Louis Stevenson | book
Gulliver's Travels | Jonathan Swift | book
Robinson Crusoe | Daniel Defoe | book
Little Women | Louisa May Alcott | book
The Little Prince | Antoine de Saint-Exupery | book
Madame Bovary | Gustave Flaubert | book
One Hundred Years of Solitude | Gabriel Garcia Marquez | book
Harry Potter and the Philosopher's Stone | J. K. Rowling | book
The Jungle Book | Rudyard Kipling | book
Mona Lisa | Leonardo da Vinci | painting
The Last Supper | Leonardo da Vinci | painting
The Starry Night | Vincent van Gogh | painting
Sunflowers | Vincent van Gogh | painting
Guernica | Pablo Picasso | painting
The Persistence of Memory | Salvador Dali | painting
The Scream | Edvard Munch | painting
Girl with a Pearl Earring | Johannes Vermeer | painting
The Birth of Venus | Sandro Botticelli | painting
Water Lilies | Claude Monet | painting
The Night Watch | Rembrandt | painting
The Creation of Adam | Michelangelo | painting
The Kiss | Gustav Klimt | painting
American Gothic | Grant Wood | painting
The Great Wave off Kanagawa | Hokusai | painting
The Magic Flute | Wolfgang Amadeus Mozart | music
The Marriage of Figaro | Wolfgang Amadeus Mozart | music
The Four Seasons | Antonio Vivaldi | music
Swan Lake | Pyotr Tchaikovsky | music
The Nutcracker | Pyotr Tchaikovsky | music
the Moonlight Sonata | Ludwig van Beethoven | music
Fur Elise | Ludwig van Beethoven | music
The Blue Danube | Johann Strauss II | music
Bolero | Maurice Ravel | music
Clair de Lune | Claude Debussy | music
The Rite of Spring | Igor Stravinsky | music
Carmen | Georges Bizet | music
The Barber of Seville | Gioachino Rossini | music
Rhapsody in Blue | George Gershwin | music
Messiah | George Frideric Handel | music
Aida | Giuseppe Verdi | music
Madama Butterfly | Giacomo Puccini | music
`,
  3,
).map(([title, creator, kind]) => ({ title: title as string, creator: creator as string, kind: kind as WorkKind }));

// landmark | city
export const LANDMARKS = parseRows(
  `
the Eiffel Tower | Paris
the Louvre | Paris
the Colosseum | Rome
the Trevi Fountain | Rome
Big Ben | London
Buckingham Palace | London
Tower Bridge | London
the Statue of Liberty | New York
the Empire State Building | New York
the Brooklyn Bridge | New York
the Sydney Opera House | Sydney
the Brandenburg Gate | Berlin
the Kremlin | Moscow
the Golden Gate Bridge | San Francisco
the Acropolis | Athens
the Sagrada Familia | Barcelona
the Leaning Tower | Pisa
Christ the Redeemer | Rio de Janeiro
the Burj Khalifa | Dubai
the Forbidden City | Beijing
the Space Needle | Seattle
the CN Tower | Toronto
the Petronas Towers | Kuala Lumpur
the Hagia Sophia | Istanbul
the Alhambra | Granada
the Taj Mahal | Agra
the Little Mermaid statue | Copenhagen
the Atomium | Brussels
the Charles Bridge | Prague
the Hollywood Sign | Los Angeles
the Gateway Arch | St. Louis
the Blue Mosque | Istanbul
`,
  2,
).map(([landmark, city]) => ({ landmark: landmark as string, city: city as string }));
