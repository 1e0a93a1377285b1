// The national taxonomy's pages (issue 9): adding a category (with its response standard), changing one
// (its code and type stay: cases are filed under them; it is made inactive, never deleted), and its extra
// questions — added, changed, no longer asked. Each route reads top to bottom: the ministry only, validate,
// the change (recordChange: row, history, audit in one transaction), then 303, or the form again (422)
// with what was typed and the problems at the fields.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { CategoryQuestion } from "../db/schema.ts";
import { localized } from "../kernel/localized.ts";
import { sendPage } from "../web/context.ts";
import { notFound } from "../web/errors.tsx";
import { pageContext } from "../web/pageContext.ts";
import { changeCategory, createCategory, removeQuestion, saveQuestion } from "./commands.ts";
import {
  CATEGORY_FIELDS,
  categoryForm,
  checkChange,
  NEW_CATEGORY_FIELDS,
  namesOf,
  newCategoryForm,
  newQuestionForm,
  parseValues,
  QUESTION_FIELDS,
  questionForm,
  removeForm,
  valuesText,
  WHY_FIELDS,
} from "./forms.ts";
import { subjectOf } from "./model.ts";
import { pendingChange } from "./recordChange.ts";
import { type RouteKit, refusalErrors, valuesOf } from "./routeKit.ts";
import { CategoryPage, NewCategoryPage, QuestionPage, RemovePage } from "./standardsPages.tsx";
import { nationalCategory, questionsOf } from "./store.ts";
import { categoryPath, type Form, K, questionPath } from "./ui.tsx";

const EMPTY: Form = { values: {}, errors: {} };
const CODE = /^[a-z0-9]+([_-][a-z0-9]+)*$/;
const yes = (b: boolean) => (b ? "yes" : "");

type CategoryParams = { Params: { code: string } };
type QuestionParams = { Params: { code: string; q: string } };

export function taxonomyRoutes(app: FastifyInstance, kit: RouteKit) {
  const { db } = kit;

  /** The national category of the path, or undefined (answered 404 by the caller). */
  const categoryOf = (code: string) =>
    CODE.test(code) ? nationalCategory(db, code) : Promise.resolve(undefined);

  // ── A new category.

  const sendNew = (req: FastifyRequest, reply: FastifyReply, form: Form, status = 200) =>
    sendPage(reply, <NewCategoryPage ctx={pageContext(req, reply)} {...form} today={kit.today()} />, status);

  app.get(
    "/ministry/standards/categories/new",
    { config: { page: { sample: "/ministry/standards/categories/new", as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendNew(req, reply, { values: { anonymousAllowed: "yes" }, errors: {} });
    },
  );

  app.post("/ministry/standards/categories/new", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const values = valuesOf(req.body, NEW_CATEGORY_FIELDS);
    const form = checkChange(newCategoryForm, req.body, kit.today());
    if (!form.ok) return sendNew(req, reply, { values, errors: form.errors }, 422);
    const v = form.value;
    const result = await createCategory(kit.deps(req), {
      reason: v.reason,
      appliesFrom: v.appliesFrom,
      category: {
        code: v.code,
        type: v.type,
        group: v.group,
        name: namesOf(v),
        sensitive: v.sensitive,
        anonymousAllowed: v.anonymousAllowed,
        active: true,
        standard: {
          unit: v.unit,
          ackWithin: v.ack,
          firstResponseWithin: v.firstResponse,
          resolutionWithin: v.resolution,
        },
      },
    });
    if (!result.ok) return sendNew(req, reply, { values, errors: refusalErrors(req, result.refusal) }, 422);
    return kit.done(reply, result, categoryPath(v.code));
  });

  // ── One category.

  async function sendCategory(
    req: FastifyRequest<CategoryParams>,
    reply: FastifyReply,
    form: Form,
    status = 200,
  ) {
    const c = await categoryOf(req.params.code);
    if (!c) return notFound(req, reply);
    const [questions, pending] = await Promise.all([
      questionsOf(db, c.id),
      pendingChange(db, "category", subjectOf.category(c.code)),
    ]);
    const values =
      Object.keys(form.values).length > 0
        ? form.values
        : {
            group: c.group,
            nameSq: c.name.sq,
            nameSr: c.name.sr,
            nameEn: c.name.en ?? "",
            sensitive: yes(c.sensitive),
            anonymousAllowed: yes(c.anonymousAllowed),
            active: yes(c.active),
          };
    return sendPage(
      reply,
      <CategoryPage
        ctx={pageContext(req, reply)}
        values={values}
        errors={form.errors}
        today={kit.today()}
        notice={kit.notice(req, status)}
        pending={pending}
        category={{ code: c.code, name: localized(c.name, req.lang), type: c.type }}
        questions={[...questions]
          .sort((a, b) => a.order - b.order)
          .map((q) => ({
            code: q.code,
            description: localized(q.description, req.lang),
            datatype: q.datatype,
            required: q.required,
          }))}
      />,
      status,
    );
  }

  app.get<CategoryParams>(
    "/ministry/standards/categories/:code",
    { config: { page: { sample: "/ministry/standards/categories/waste", as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendCategory(req, reply, EMPTY);
    },
  );

  app.post<CategoryParams>("/ministry/standards/categories/:code", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const c = await categoryOf(req.params.code);
    if (!c) return notFound(req, reply);
    const values = valuesOf(req.body, CATEGORY_FIELDS);
    const form = checkChange(categoryForm, req.body, kit.today());
    if (!form.ok) return sendCategory(req, reply, { values, errors: form.errors }, 422);
    const v = form.value;
    const result = await changeCategory(kit.deps(req), {
      reason: v.reason,
      appliesFrom: v.appliesFrom,
      code: c.code,
      fields: {
        group: v.group,
        name: namesOf(v),
        sensitive: v.sensitive,
        anonymousAllowed: v.anonymousAllowed,
        active: v.active,
      },
    });
    if (!result.ok) {
      if (result.refusal.reason === "not_found") return notFound(req, reply);
      return sendCategory(req, reply, { values, errors: refusalErrors(req, result.refusal) }, 422);
    }
    return kit.done(reply, result, categoryPath(c.code));
  });

  // ── Its questions.

  async function sendQuestion(
    req: FastifyRequest<{ Params: { code: string; q?: string } }>,
    reply: FastifyReply,
    form: Form,
    status = 200,
  ) {
    const c = await categoryOf(req.params.code);
    if (!c) return notFound(req, reply);
    const code = req.params.q;
    const question =
      code === undefined ? undefined : (await questionsOf(db, c.id)).find((q) => q.code === code);
    if (code !== undefined && !question) return notFound(req, reply);
    const pending = question
      ? await pendingChange(db, "question", subjectOf.question(c.code, question.code))
      : undefined;
    const values =
      Object.keys(form.values).length > 0 || !question
        ? form.values
        : {
            descSq: question.description.sq,
            descSr: question.description.sr,
            descEn: question.description.en ?? "",
            required: yes(question.required),
            order: String(question.order),
            values: valuesText(question.values),
          };
    return sendPage(
      reply,
      <QuestionPage
        ctx={pageContext(req, reply)}
        values={values}
        errors={form.errors}
        today={kit.today()}
        notice={kit.notice(req, status)}
        pending={pending}
        category={{ code: c.code, name: localized(c.name, req.lang) }}
        {...(question ? { question: { code: question.code, datatype: question.datatype } } : {})}
      />,
      status,
    );
  }

  app.get<CategoryParams>(
    "/ministry/standards/categories/:code/questions/new",
    { config: { page: { sample: "/ministry/standards/categories/waste/questions/new", as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendQuestion(req, reply, EMPTY);
    },
  );

  /** A question's form read whole: its fields, and its list of values for the type of answer. */
  function readQuestion(req: FastifyRequest, datatype: CategoryQuestion["datatype"] | undefined) {
    const values = valuesOf(req.body, QUESTION_FIELDS);
    const form = datatype
      ? checkChange(questionForm, req.body, kit.today())
      : checkChange(newQuestionForm, req.body, kit.today());
    const type =
      datatype ??
      (form.ok ? (form.value as unknown as { datatype: CategoryQuestion["datatype"] }).datatype : undefined);
    const list = type ? parseValues(values.values!, type) : undefined;
    const errors = form.ok ? {} : { ...form.errors };
    if (list && !list.ok) errors.values = list.error;
    if (!form.ok || !list?.ok || Object.keys(errors).length > 0)
      return { ok: false as const, values, errors };
    const v = form.value as typeof form.value & { code?: string };
    return {
      ok: true as const,
      values,
      value: v,
      question: (code: string): CategoryQuestion => ({
        code,
        datatype: type!,
        required: v.required,
        order: v.order,
        description: { sq: v.descSq, sr: v.descSr, en: v.descEn },
        ...(list.values ? { values: list.values } : {}),
      }),
    };
  }

  app.post<CategoryParams>("/ministry/standards/categories/:code/questions/new", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const c = await categoryOf(req.params.code);
    if (!c) return notFound(req, reply);
    const form = readQuestion(req, undefined);
    if (!form.ok) return sendQuestion(req, reply, form, 422);
    const code = form.value.code!;
    const result = await saveQuestion(kit.deps(req), {
      reason: form.value.reason,
      appliesFrom: form.value.appliesFrom,
      category: c.code,
      question: form.question(code),
      creating: true,
    });
    if (!result.ok)
      return sendQuestion(
        req,
        reply,
        { values: form.values, errors: refusalErrors(req, result.refusal) },
        422,
      );
    return kit.done(reply, result, categoryPath(c.code, "#questions"));
  });

  app.get<QuestionParams>(
    "/ministry/standards/categories/:code/questions/:q",
    {
      config: {
        page: { sample: "/ministry/standards/categories/waste/questions/container", as: "ministria" },
      },
    },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendQuestion(req, reply, EMPTY);
    },
  );

  app.post<QuestionParams>("/ministry/standards/categories/:code/questions/:q", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const c = await categoryOf(req.params.code);
    const question = c && (await questionsOf(db, c.id)).find((q) => q.code === req.params.q);
    if (!c || !question) return notFound(req, reply);
    const form = readQuestion(req, question.datatype);
    if (!form.ok) return sendQuestion(req, reply, form, 422);
    const result = await saveQuestion(kit.deps(req), {
      reason: form.value.reason,
      appliesFrom: form.value.appliesFrom,
      category: c.code,
      question: form.question(question.code),
      creating: false,
    });
    if (!result.ok) {
      if (result.refusal.reason === "not_found") return notFound(req, reply);
      return sendQuestion(
        req,
        reply,
        { values: form.values, errors: refusalErrors(req, result.refusal) },
        422,
      );
    }
    return kit.done(reply, result, questionPath(c.code, question.code));
  });

  // ── No longer asking a question.

  async function sendRemove(
    req: FastifyRequest<QuestionParams>,
    reply: FastifyReply,
    form: Form,
    status = 200,
  ) {
    const c = await categoryOf(req.params.code);
    const question = c && (await questionsOf(db, c.id)).find((q) => q.code === req.params.q);
    if (!c || !question) return notFound(req, reply);
    const { t, lang } = req;
    return sendPage(
      reply,
      <RemovePage
        ctx={pageContext(req, reply)}
        {...form}
        today={kit.today()}
        pending={await pendingChange(db, "question", subjectOf.question(c.code, question.code))}
        title={t(`${K}.question.removeTitle`, { question: localized(question.description, lang) })}
        lead={t(`${K}.question.removeLead`)}
        action={questionPath(c.code, question.code, "/remove")}
        back={{ href: questionPath(c.code, question.code), label: t(`${K}.question.backToQuestion`) }}
        button={t(`${K}.question.remove`)}
      />,
      status,
    );
  }

  app.get<QuestionParams>(
    "/ministry/standards/categories/:code/questions/:q/remove",
    {
      config: {
        page: { sample: "/ministry/standards/categories/waste/questions/container/remove", as: "ministria" },
      },
    },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendRemove(req, reply, EMPTY);
    },
  );

  app.post<QuestionParams>("/ministry/standards/categories/:code/questions/:q/remove", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const c = await categoryOf(req.params.code);
    if (!c) return notFound(req, reply);
    const values = valuesOf(req.body, WHY_FIELDS);
    const form = checkChange(removeForm, req.body, kit.today());
    if (!form.ok) return sendRemove(req, reply, { values, errors: form.errors }, 422);
    const result = await removeQuestion(kit.deps(req), {
      reason: form.value.reason,
      appliesFrom: form.value.appliesFrom,
      category: c.code,
      code: req.params.q,
    });
    if (!result.ok) {
      if (result.refusal.reason === "not_found") return notFound(req, reply);
      return sendRemove(req, reply, { values, errors: refusalErrors(req, result.refusal) }, 422);
    }
    return kit.done(reply, result, categoryPath(c.code, "#questions"));
  });
}
