import { parseRows } from "./parse.js";

export interface Country {
  country: string;
  capital: string;
  /** null for countries that span two continents, which are never asked about. */
  continent: string | null;
}

// country | capital | continent ("-": spans two continents). Countries with a disputed,
// split or recently renamed capital are left out on purpose.
const TABLE = `
France | Paris | Europe
Germany | Berlin | Europe
Italy | Rome | Europe
Spain | Madrid | Europe
Portugal | Lisbon | Europe
the United Kingdom | London | Europe
Ireland | Dublin | Europe
Belgium | Brussels | Europe
Austria | Vienna | Europe
Switzerland | Bern | Europe
Poland | Warsaw | Europe
the Czech Republic | Prague | Europe
Slovakia | Bratislava | Europe
Hungary | Budapest | Europe
Romania | Bucharest | Europe
Bulgaria | Sofia | Europe
Greece | Athens | Europe
Serbia | Belgrade | Europe
Croatia | Zagreb | Europe
Slovenia | Ljubljana | Europe
Albania | Tirana | Europe
North Macedonia | Skopje | Europe
Montenegro | Podgorica | Europe
Ukraine | Kyiv | Europe
Belarus | Minsk | Europe
Moldova | Chisinau | Europe
Lithuania | Vilnius | Europe
Latvia | Riga | Europe
Estonia | Tallinn | Europe
Finland | Helsinki | Europe
Sweden | Stockholm | Europe
Norway | Oslo | Europe
Denmark | Copenhagen | Europe
Iceland | Reykjavik | Europe
Malta | Valletta | Europe
Russia | Moscow | -
Turkey | Ankara | -
Georgia | Tbilisi | -
Azerbaijan | Baku | -
China | Beijing | Asia
Japan | Tokyo | Asia
South Korea | Seoul | Asia
North Korea | Pyongyang | Asia
India | New Delhi | Asia
Pakistan | Islamabad | Asia
Bangladesh | Dhaka | Asia
Nepal | Kathmandu | Asia
Bhutan | Thimphu | Asia
Afghanistan | Kabul | Asia
Iran | Tehran | Asia
Iraq | Baghdad | Asia
Syria | Damascus | Asia
Jordan | Amman | Asia
Lebanon | Beirut | Asia
Saudi Arabia | Riyadh | Asia
Qatar | Doha | Asia
Oman | Muscat | Asia
the United Arab Emirates | Abu Dhabi | Asia
Thailand | Bangkok | Asia
Vietnam | Hanoi | Asia
Cambodia | Phnom Penh | Asia
Laos | Vientiane | Asia
Malaysia | Kuala Lumpur | Asia
the Philippines | Manila | Asia
Mongolia | Ulaanbaatar | Asia
Uzbekistan | Tashkent | Asia
Kyrgyzstan | Bishkek | Asia
Tajikistan | Dushanbe | Asia
Turkmenistan | Ashgabat | Asia
Egypt | Cairo | Africa
Morocco | Rabat | Africa
Algeria | Algiers | Africa
Tunisia | Tunis | Africa
Libya | Tripoli | Africa
Sudan | Khartoum | Africa
Ethiopia | Addis Ababa | Africa
Eritrea | Asmara | Africa
Somalia | Mogadishu | Africa
Kenya | Nairobi | Africa
Uganda | Kampala | Africa
Rwanda | Kigali | Africa
Nigeria | Abuja | Africa
Ghana | Accra | Africa
Senegal | Dakar | Africa
Mali | Bamako | Africa
Niger | Niamey | Africa
Liberia | Monrovia | Africa
Sierra Leone | Freetown | Africa
Guinea | Conakry | Africa
Cameroon | Yaounde | Africa
Angola | Luanda | Africa
Zambia | Lusaka | Africa
Zimbabwe | Harare | Africa
Malawi | Lilongwe | Africa
Mozambique | Maputo | Africa
Botswana | Gaborone | Africa
Namibia | Windhoek | Africa
Madagascar | Antananarivo | Africa
the United States | Washington, D.C. | North America
Canada | Ottawa | North America
Mexico | Mexico City | North America
Cuba | Havana | North America
Jamaica | Kingston | North America
Haiti | Port-au-Prince | North America
the Dominican Republic | Santo Domingo | North America
the Bahamas | Nassau | North America
Honduras | Tegucigalpa | North America
Nicaragua | Managua | North America
El Salvador | San Salvador | North America
Costa Rica | San Jose | North America
Brazil | Brasilia | South America
Argentina | Buenos Aires | South America
Chile | Santiago | South America
Peru | Lima | South America
Colombia | Bogota | South America
Venezuela | Caracas | South America
Ecuador | Quito | South America
Paraguay | Asuncion | South America
Uruguay | Montevideo | South America
Guyana | Georgetown | South America
Suriname | Paramaribo | South America
Australia | Canberra | Oceania
New Zealand | Wellington | Oceania
Fiji | Suva | Oceania
Papua New Guinea | Port Moresby | Oceania
Samoa | Apia | Oceania
`;

export const COUNTRIES: Country[] = parseRows(TABLE, 3).map(([country, capital, continent]) => ({
  country: country as string,
  capital: capital as string,
  continent: continent === "-" ? null : (continent as string),
}));

export const CONTINENTS = ["Africa", "Asia", "Europe", "North America", "South America", "Oceania"];

// city | country: well-known cities that are not capitals.
export const CITY_COUNTRY = parseRows(
  `
Sydney | Australia
Melbourne | Australia
Toronto | Canada
Vancouver | Canada
Montreal | Canada
Mumbai | India
Kolkata | India
Bangalore | India
Shanghai | China
Osaka | Japan
Kyoto | Japan
Barcelona | Spain
Seville | Spain
Milan | Italy
Venice | Italy
Naples | Italy
Florence | Italy
Munich | Germany
Hamburg | Germany
Frankfurt | Germany
Marseille | France
Lyon | France
Manchester | the United Kingdom
Liverpool | the United Kingdom
Edinburgh | the United Kingdom
Istanbul | Turkey
Rio de Janeiro | Brazil
Sao Paulo | Brazil
Chicago | the United States
Los Angeles | the United States
New York | the United States
Houston | the United States
Casablanca | Morocco
Johannesburg | South Africa
Cape Town | South Africa
Lagos | Nigeria
Alexandria | Egypt
Dubai | the United Arab Emirates
St. Petersburg | Russia
Krakow | Poland
Geneva | Switzerland
Zurich | Switzerland
Rotterdam | the Netherlands
Antwerp | Belgium
Porto | Portugal
Auckland | New Zealand
Busan | South Korea
Karachi | Pakistan
Ho Chi Minh City | Vietnam
Guadalajara | Mexico
Medellin | Colombia
Gothenburg | Sweden
Bergen | Norway
`,
  2,
).map(([city, country]) => ({ city: city as string, country: country as string }));

// country | main language
export const COUNTRY_LANGUAGE = parseRows(
  `
Brazil | Portuguese
Mexico | Spanish
Germany | German
France | French
Japan | Japanese
Italy | Italian
Russia | Russian
Portugal | Portuguese
Greece | Greek
the Netherlands | Dutch
Sweden | Swedish
Poland | Polish
Turkey | Turkish
Iran | Persian
South Korea | Korean
Thailand | Thai
Vietnam | Vietnamese
Argentina | Spanish
Egypt | Arabic
Saudi Arabia | Arabic
Norway | Norwegian
Hungary | Hungarian
Denmark | Danish
the Czech Republic | Czech
Romania | Romanian
Ukraine | Ukrainian
China | Chinese
Chile | Spanish
Colombia | Spanish
Austria | German
`,
  2,
).map(([country, language]) => ({ country: country as string, language: language as string }));

// country | currency
export const COUNTRY_CURRENCY = parseRows(
  `
Japan | yen
the United Kingdom | pound
the United States | dollar
India | rupee
China | yuan
Russia | ruble
Mexico | peso
South Korea | won
Switzerland | franc
Germany | euro
France | euro
Italy | euro
Spain | euro
Brazil | real
South Africa | rand
Sweden | krona
Turkey | lira
Poland | zloty
Thailand | baht
Vietnam | dong
Israel | shekel
Denmark | krone
Hungary | forint
Indonesia | rupiah
Saudi Arabia | riyal
Malaysia | ringgit
Nigeria | naira
`,
  2,
).map(([country, currency]) => ({ country: country as string, currency: currency as string }));
