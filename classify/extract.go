package classify

// extract reads the fields of a document of a known kind from its pages.
func extract(doc Document, pages []Page) map[string]Field {
	fields := map[string]Field{}
	switch doc.Kind {
	case FaxCover:
		extractFaxCover(doc, pages, fields)
	case ReturnSheet:
		extractReturnSheet(doc, pages, fields)
	case DenialLetter:
		extractLetter(doc, pages, fields)
	case IMRForm:
		extractForm(doc, pages, fields)
	case AssistantForm:
		extractAssistant(doc, pages, fields)
	}
	tidyFields(fields)
	return fields
}
