/*
 * The .cnn model language (see spec/language.md).
 *
 * A file holds block definitions and models. A model lists inputs, layer statements, repeats and outputs; a block is
 * a parameterised sub-graph used like a layer. This grammar only recognises text: names, arguments and wiring are
 * checked by the compiler, which reports them against the source locations kept here.
 */
grammar Cnn;

file
    : definition* EOF
    ;

definition
    : modelDef
    | blockDef
    ;

modelDef
    : MODEL name=IDENT LBRACE body=statements RBRACE
    ;

blockDef
    : BLOCK name=IDENT LPAREN (params+=param (COMMA params+=param)* COMMA?)? RPAREN LBRACE body=statements RBRACE
    ;

param
    : name=IDENT (ASSIGN defaultValue=expr)?
    ;

statements
    : statement*
    ;

statement
    : INPUT name=IDENT (COLON shape)?                             # inputStatement
    | INPUT shape                                                 # anonymousInputStatement
    | OUTPUT names+=IDENT (COMMA names+=IDENT)*                   # outputStatement
    | (target=IDENT ASSIGN)? REPEAT count=expr LBRACE body=statements RBRACE   # repeatStatement
    | (target=IDENT ASSIGN)? call=layerCall (LPAREN (inputs+=IDENT (COMMA inputs+=IDENT)*)? RPAREN)?  # layerStatement
    | block=IDENT LBRACE settings+=setting* RBRACE                  # settingsStatement
    ;

// `train { loss = ..., optimizer = adam(learning_rate=0.001) }`: `train` is not a keyword, so that models naming a
// layer `train` keep parsing; the compiler accepts only that block name.
setting
    : key=IDENT ASSIGN (call=layerCall | value=expr) COMMA?
    ;

shape
    : LBRACK dims+=expr (COMMA dims+=expr)* COMMA? RBRACK
    ;

layerCall
    : layer=IDENT LPAREN (args+=argument (COMMA args+=argument)* COMMA?)? RPAREN
    ;

argument
    : key=IDENT ASSIGN value=expr      # keywordArgument
    | value=expr                       # positionalArgument
    ;

expr
    : op=(MINUS | PLUS) operand=expr                              # unaryExpr
    | left=expr op=(STAR | SLASH) right=expr           # multiplicativeExpr
    | left=expr op=(PLUS | MINUS) right=expr                      # additiveExpr
    | INTEGER                                                     # integerLiteral
    | FLOAT                                                       # floatLiteral
    | STRING                                                      # stringLiteral
    | (TRUE | FALSE)                                              # booleanLiteral
    | IDENT                                                       # identifierExpr
    | LPAREN RPAREN                                               # emptyTuple
    | LPAREN single=expr COMMA RPAREN                             # singletonTuple
    | LPAREN items+=expr (COMMA items+=expr)+ COMMA? RPAREN       # tupleExpr
    | LPAREN inner=expr RPAREN                                    # parenExpr
    ;

MODEL   : 'model';
BLOCK   : 'block';
INPUT   : 'input';
OUTPUT  : 'output';
REPEAT  : 'repeat';
TRUE    : 'true' | 'True';
FALSE   : 'false' | 'False';

LBRACE  : '{';
RBRACE  : '}';
LPAREN  : '(';
RPAREN  : ')';
LBRACK  : '[';
RBRACK  : ']';
COMMA   : ',';
COLON   : ':';
ASSIGN  : '=';
PLUS    : '+';
MINUS   : '-';
STAR    : '*';
SLASH   : '/';

FLOAT
    : DIGITS '.' DIGITS? EXPONENT?
    | '.' DIGITS EXPONENT?
    | DIGITS EXPONENT
    ;

INTEGER : DIGITS;

IDENT   : [a-zA-Z_] [a-zA-Z_0-9]*;

STRING
    : '"' (~["\\\r\n] | '\\' .)* '"'
    | '\'' (~['\\\r\n] | '\\' .)* '\''
    ;

fragment DIGITS   : [0-9]+ ('_' [0-9]+)*;
fragment EXPONENT : [eE] [+-]? [0-9]+;

LINE_COMMENT : ('#' | '//' ) ~[\r\n]* -> skip;
BLOCK_COMMENT: '/*' .*? '*/' -> skip;
NEWLINE      : ('\r'? '\n' | '\r' | ';') -> skip;
WS           : [ \t\f\u00A0\uFEFF]+ -> skip;

// Anything else is reported by the compiler as an unexpected character, not swallowed.
ERROR_CHAR   : . ;
