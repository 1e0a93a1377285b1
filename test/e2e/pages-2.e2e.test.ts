// The browser suite, second shard: the other half of every page in every language (pageSuite.ts).
import { pageSuite } from "./pageSuite.ts";

await pageSuite(1, 2);
